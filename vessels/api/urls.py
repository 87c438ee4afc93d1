from singlewindow.api.routers import IdRouter

from .views import VesselViewSet

router = IdRouter()
router.register("vessels", VesselViewSet, basename="vessel")

urlpatterns = router.urls
