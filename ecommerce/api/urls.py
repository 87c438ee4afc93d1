from django.urls import path

from . import views

urlpatterns = [
    path("ecommerce/messages/", views.MessagesView.as_view(), name="ecommerce-messages"),
    path("ecommerce/receipts/", views.ReceiptList.as_view(), name="ecommerce-receipts"),
    path("ecommerce/receipts/<int:pk>/", views.ReceiptDetail.as_view(), name="ecommerce-receipt"),
    path("ecommerce/filings/", views.FilingList.as_view(), name="ecommerce-filings"),
    path("ecommerce/products/", views.ProductList.as_view(), name="ecommerce-products"),
    path("ecommerce/keys/", views.KeyCreate.as_view(), name="ecommerce-keys"),
]
