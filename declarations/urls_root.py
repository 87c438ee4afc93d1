"""This app's pages outside /declarations/, included at the root (singlewindow/urls.py): the dashboard."""

from django.urls import path

from .dashboard_views import dashboard, dashboard_export

urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/export.<str:file_format>", dashboard_export, name="dashboard_export"),
]
