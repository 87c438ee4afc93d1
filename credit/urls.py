from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.public_credit, name="public"),
    path("mine/", views.own_credit, name="own"),
    path("appeals/", views.appeals_to_answer, name="appeals"),
]
