from django.urls import path

from .views import organisation_profile

urlpatterns = [
    path("organisation/", organisation_profile, name="organisation"),
]
