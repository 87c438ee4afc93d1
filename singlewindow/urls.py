"""The portal's URLs: each app's included by name (strings, not imports, so this bottom layer does not
import the apps above it)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from singlewindow import elicence_views, views
from singlewindow.api import elicence as elicence_api
from singlewindow.api.agent_relations import AgentRelationViewSet
from singlewindow.api.delegations import DelegationViewSet
from singlewindow.api.routers import IdRouter
from singlewindow.api.tokens import TokenViewSet

delegation_router = IdRouter()
delegation_router.register("delegations", DelegationViewSet, basename="delegation")
delegation_router.register("agent-relations", AgentRelationViewSet, basename="agent-relation")
delegation_router.register("tokens", TokenViewSet, basename="token")
delegation_router.register(
    "elicence/administrators", elicence_api.AdministratorViewSet, basename="elicence-administrator"
)
delegation_router.register("elicence/grants", elicence_api.GrantViewSet, basename="elicence-grant")
delegation_router.register("elicence/presentations", elicence_api.PresentationViewSet, basename="elicence-presentation")
delegation_router.register("elicence/scans", elicence_api.ScanViewSet, basename="elicence-scan")
delegation_router.register("elicence/signatures", elicence_api.SignatureViewSet, basename="elicence-signature")


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico before reading a page's <link rel="icon">: the SVG icon."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    # The API first: a request to it is matched without trying every page's pattern (the resolver collects
    # each one it tried). No page lives under api/. The agencies' gateway, the busiest, before the rest.
    path("", include("agencies.urls")),
    path("api/v1/", include("declarations.api.urls")),
    path("api/v1/", include("licensing.api.urls")),
    path("api/v1/", include("vessels.api.urls")),
    path("api/v1/", include("credit.api.urls")),
    path("api/v1/", include("approvals.api.urls")),
    path("api/v1/", include("ecommerce.api.urls")),
    path("api/v1/elicence/", elicence_api.ELicenceView.as_view(), name="elicence-api"),
    path("api/v1/", include(delegation_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's script comes from its own URL (no inline script); it styles elements inline.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("", views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", views.second_factor_verify, name="second_factor_verify"),
    path("accounts/second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("accounts/api-tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("", include("vessels.urls_root")),  # before declarations/: the manifest offered on the goods form
    path("declarations/", include("declarations.urls")),
    path("", include("declarations.urls_root")),  # /dashboard/
    path("vessels/", include("vessels.urls")),
    path("", include("licensing.urls")),
    path("approvals/", include("approvals.urls")),
    path("ecommerce/", include("ecommerce.urls")),
    path("credit/", include("credit.urls")),  # public: no login
    path("delegations/", views.delegation_list, name="delegations"),
    path("delegations/<int:pk>/<str:decision>/", views.delegation_decide, name="delegation_decide"),
    path("delegations/trust/", views.broker_trust, name="broker_trust"),
    path("delegations/client/", views.choose_client, name="choose_client"),
    path("elicence/", elicence_views.elicence_page, name="elicence"),
    path("elicence/administrators/", elicence_views.administrator_add, name="elicence_administrator_add"),
    path(
        "elicence/administrators/<int:pk>/remove/",
        elicence_views.administrator_remove,
        name="elicence_administrator_remove",
    ),
    path("elicence/grants/", elicence_views.grant_add, name="elicence_grant_add"),
    path("elicence/grants/<int:pk>/revoke/", elicence_views.grant_revoke, name="elicence_grant_revoke"),
    path("elicence/present/", elicence_views.present, name="elicence_present"),
    path("elicence/scan/<str:nonce>/", elicence_views.scan, name="elicence_scan"),
    path("agent-relations/", views.agent_relation_list, name="agent_relations"),
    path("agent-relations/<int:pk>/<str:decision>/", views.agent_relation_decide, name="agent_relation_decide"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

handler404 = views.not_found  # an API address no route matches answers in the API's error shape
