from django.urls import path

from . import views

urlpatterns = [path("organisation/", views.OrganisationView.as_view(), name="api-organisation")]
