from django.urls import path

from singlewindow.api.routers import IdRouter

from . import views
from .licences import LicenceApplicationViewSet, LicenceViewSet

router = IdRouter()
router.register("licences", LicenceViewSet, basename="licence")
router.register("licence-applications", LicenceApplicationViewSet, basename="licence-application")

urlpatterns = [path("organisation/", views.OrganisationView.as_view(), name="api-organisation"), *router.urls]

from . import qualifications  # noqa: E402

urlpatterns += [
    path(
        "qualification-applications/", qualifications.ApplicationsView.as_view(), name="api-qualification-applications"
    ),
    path("qualification-reviews/", qualifications.ReviewsView.as_view(), name="api-qualification-reviews"),
    path(
        "qualification-reviews/<int:pk>/decision/",
        qualifications.ReviewDecisionView.as_view(),
        name="api-qualification-decision",
    ),
]
