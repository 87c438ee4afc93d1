from django.urls import path

from . import views

app_name = "ecommerce"
urlpatterns = [
    path("trace/", views.trace, name="trace"),
    path("quota/", views.quota, name="quota"),
    path("inventories/", views.inventories, name="inventories"),
]
