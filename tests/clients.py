"""A page client or an API client logged in as a given user."""

from django.test import Client
from rest_framework.test import APIClient

from singlewindow.models import User


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
