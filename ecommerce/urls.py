from django.urls import path

from . import ledger_views, views

app_name = "ecommerce"
urlpatterns = [
    path("trace/", views.trace, name="trace"),
    path("quota/", views.quota, name="quota"),
    path("inventories/", views.inventories, name="inventories"),
    path("", ledger_views.home, name="home"),
    path("guarantees/", ledger_views.guarantees, name="guarantees"),
    path("guarantees/<int:pk>/", ledger_views.guarantee, name="guarantee"),
    path("books/", ledger_views.books, name="books"),
    path("books/<int:pk>/", ledger_views.book, name="book"),
    path("books/<int:pk>/entries/", ledger_views.book_entry, name="book_entry"),
    path("summary/", ledger_views.summary, name="summary"),
    path("filings/<int:pk>/", views.filing, name="filing"),
]
