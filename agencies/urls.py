"""The agencies' side of the portal, included at the root (singlewindow/urls.py)."""

from django.urls import path

from .views import cbec_receipt_gateway, credit_gateway, receipt_gateway

urlpatterns = [
    path("api/v1/agency-gateway/receipts/", receipt_gateway, name="receipt-gateway"),
    path("api/v1/agency-gateway/credit-records/", credit_gateway, name="credit-gateway"),
    path("api/v1/agency-gateway/cbec-receipts/", cbec_receipt_gateway, name="cbec-receipt-gateway"),
]
