"""A page client or an API client logged in as a given user; officers and administrators with their
second factor verified, as after typing their one-time code."""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from singlewindow.models import User
from singlewindow.second_factor import second_factor_required


def web(user: User, **client_options: object) -> Client:
    client = Client(**client_options)  # type: ignore[arg-type]
    client.force_login(user)
    if second_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def authenticator(user: User) -> TOTPDevice:
    """The user's confirmed TOTP device (the app on their phone), made the first time it is asked for."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="tests", confirmed=True)


def current_code(user: User) -> str:
    """The code the user's app shows now: django-otp's TOTP over the device's key. A code is good once, so
    if this step's code was used already, the next step's (django-otp accepts one step of drift)."""
    device = authenticator(user)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def erp_file(clerk: User) -> bytes:
    """What the clerk's ERP would upload: one valid declaration as the portal exports it, which is then
    deleted so that importing the file creates it again."""
    from declarations.models import Declaration

    from . import factories

    declaration = factories.valid_draft(clerk, documents=False)
    data = web(clerk).get("/declarations/export/?format=xml").content
    Declaration.objects.filter(pk=declaration.pk).delete()
    return data
