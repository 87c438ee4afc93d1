from django.urls import path

from singlewindow.api.routers import IdRouter

from . import interchange, views

router = IdRouter()
router.register("declarations", views.DeclarationViewSet, basename="declaration")
router.register("imports", interchange.ImportJobViewSet, basename="import")

urlpatterns = [
    path("declarations/export/", interchange.ExportView.as_view(), name="declaration-export"),
    *router.urls,
    path("hs/", views.HSSearchView.as_view(), name="hs-search"),
    path("codelists/<str:name>/", views.CodeListView.as_view(), name="codelist"),
]
