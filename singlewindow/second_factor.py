"""The second factor (TOTP, django-otp) that agency officers and platform administrators log in with.

After the password, `SecondFactorMiddleware` sends such a user to verify a code (or, the first time, to
enrol an authenticator app from a QR code) before anything else. Which roles are asked is the setting
OTP_REQUIRED_ROLES: "officer" (users of agency organisations) and "admin" (platform administrators,
staff and superusers).
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .choices import OrganisationKind, Role
from .errors import DomainError
from .models import User


class WrongCode(DomainError):
    code = "wrong_code"
    field = "token"
    status_code = 400


def second_factor_required(user: User) -> bool:
    """Whether this user must show a one-time code after the password."""
    roles = set(settings.OTP_REQUIRED_ROLES)
    if not user.is_authenticated or not roles:
        return False
    if "admin" in roles and (user.role == Role.ADMIN or user.is_staff or user.is_superuser):
        return True
    organisation = user.organisation
    is_officer = user.role == Role.OFFICER or (
        organisation is not None and organisation.kind == OrganisationKind.AGENCY
    )
    return "officer" in roles and is_officer


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def enrolment_device(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same unconfirmed one until it is confirmed, so the QR code shown
    does not change on every reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def enrolment_qr(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG data URI an <img> shows."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4)


def enrolment_key(device: TOTPDevice) -> str:
    """The secret in base32, for typing into an app that cannot scan."""
    return base64.b32encode(device.bin_key).decode()


@transaction.atomic
def enrolment_confirm(*, request: HttpRequest, user: User, token: str) -> TOTPDevice:
    """The first code from the new app confirms the device and verifies this session."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token.strip()):
        raise WrongCode(_wrong_code())
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return device


def verify(*, request: HttpRequest, user: User, token: str) -> TOTPDevice:
    """A code from the user's confirmed device verifies this session; a wrong one (or too many, django-otp
    throttles them) is refused."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(token.strip()):
        raise WrongCode(_wrong_code())
    otp_login(request, device)
    return device


def _wrong_code() -> str:
    return gettext("That code is not right, or it was already used. Type the current code from your app.")
