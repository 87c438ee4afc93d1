from rest_framework.routers import SimpleRouter

from .views import VesselViewSet

router = SimpleRouter()
router.register("vessels", VesselViewSet, basename="vessel")

urlpatterns = router.urls
