"""The portal's URLs: each app's included by name (strings, not imports, so this bottom layer does not
import the apps above it)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from singlewindow import views
from singlewindow.api.delegations import DelegationViewSet

delegation_router = SimpleRouter()
delegation_router.register("delegations", DelegationViewSet, basename="delegation")


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="declarations:list", permanent=False), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("", include("vessels.urls_root")),  # before declarations/: the manifest offered on the goods form
    path("declarations/", include("declarations.urls")),
    path("vessels/", include("vessels.urls")),
    path("", include("licensing.urls")),
    path("credit/", include("credit.urls")),  # public: no login
    path("delegations/", views.delegation_list, name="delegations"),
    path("delegations/<int:pk>/<str:decision>/", views.delegation_decide, name="delegation_decide"),
    path("delegations/trust/", views.broker_trust, name="broker_trust"),
    path("delegations/client/", views.choose_client, name="choose_client"),
    path("api/v1/", include("declarations.api.urls")),
    path("api/v1/", include("licensing.api.urls")),
    path("api/v1/", include("vessels.api.urls")),
    path("api/v1/", include("credit.api.urls")),
    path("", include("agencies.urls")),
    path("api/v1/", include(delegation_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
