from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("declarations", views.DeclarationViewSet, basename="declaration")

urlpatterns = [
    *router.urls,
    path("hs/", views.HSSearchView.as_view(), name="hs-search"),
    path("codelists/<str:name>/", views.CodeListView.as_view(), name="codelist"),
]
