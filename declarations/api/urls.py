from django.urls import path
from rest_framework.routers import SimpleRouter

from . import interchange, views

router = SimpleRouter()
router.register("declarations", views.DeclarationViewSet, basename="declaration")
router.register("imports", interchange.ImportJobViewSet, basename="import")

urlpatterns = [
    path("declarations/export/", interchange.ExportView.as_view(), name="declaration-export"),
    *router.urls,
    path("hs/", views.HSSearchView.as_view(), name="hs-search"),
    path("codelists/<str:name>/", views.CodeListView.as_view(), name="codelist"),
]
