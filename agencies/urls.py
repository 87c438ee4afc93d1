"""The agencies' side of the portal, included at the root (singlewindow/urls.py)."""

from django.urls import path

from .views import receipt_gateway

urlpatterns = [
    path("api/v1/agency-gateway/receipts/", receipt_gateway, name="receipt-gateway"),
]
