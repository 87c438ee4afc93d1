"""This app's pages outside /vessels/, included at the root (singlewindow/urls.py): the public
verification page a certificate's QR code opens, and the manifest offered on the goods form
(declarations.registry field offer)."""

from django.urls import path

from .views import clearance_verify, manifest_offer

urlpatterns = [
    path("declarations/manifest/", manifest_offer, name="manifest_offer"),
    path("verify/port-clearance/<str:number>/<str:token>/", clearance_verify, name="clearance_verify"),
]
