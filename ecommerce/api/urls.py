from django.urls import path

from . import ledgers, views

urlpatterns = [
    path("ecommerce/messages/", views.MessagesView.as_view(), name="ecommerce-messages"),
    path("ecommerce/receipts/", views.ReceiptList.as_view(), name="ecommerce-receipts"),
    path("ecommerce/receipts/<int:pk>/", views.ReceiptDetail.as_view(), name="ecommerce-receipt"),
    path("ecommerce/filings/", views.FilingList.as_view(), name="ecommerce-filings"),
    path("ecommerce/products/", views.ProductList.as_view(), name="ecommerce-products"),
    path("ecommerce/keys/", views.KeyCreate.as_view(), name="ecommerce-keys"),
    path("ecommerce/guarantees/", ledgers.GuaranteeList.as_view(), name="ecommerce-guarantees"),
    path("ecommerce/guarantees/<int:pk>/", ledgers.GuaranteeDetail.as_view(), name="ecommerce-guarantee"),
    path(
        "ecommerce/guarantees/<int:pk>/payments/",
        ledgers.GuaranteePayment.as_view(),
        name="ecommerce-guarantee-payments",
    ),
    path("ecommerce/books/", ledgers.BookList.as_view(), name="ecommerce-books"),
    path("ecommerce/books/<int:pk>/", ledgers.BookDetail.as_view(), name="ecommerce-book"),
]
