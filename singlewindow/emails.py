"""Emailing notifications: the work of the task `send_notification_emails` (singlewindow/tasks.py), which
notifications.notify() queues after the change commits. Each email is in the recipient's language
(console backend in development)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .choices import Role
from .models import Notification, User


def email_notifications(ids: list[int]) -> int:
    """Send each notification not sent yet to its recipient, in the recipient's language; returns how
    many went. Each is marked as it goes, so a retry after a failure sends the rest, not all again."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient"):
        user = notification.recipient
        if not user.email:
            continue
        with translation.override(user.language):
            subject = _("[Single Window] %(what)s") % {"what": notification.get_kind_display()}
            link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""
            body = "\n\n".join(part for part in (notification.message, link) if part)
        sent += send_mail(subject, body, None, [user.email], fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return sent


def emails_waiting(*, older_than_seconds: int = 120) -> list[int]:
    """Notifications of the last day not emailed yet though older than a task takes: their task was lost."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - timedelta(seconds=older_than_seconds),
            created_at__gte=now - timedelta(days=1),
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)[:500]
    )


def email_operators(*, subject: str | Promise, message: str | Promise, values: Callable[[], dict[str, Any]]) -> int:
    """One email to each platform operator: the addresses in ADMINS (in the portal's language) and every
    active staff user or platform administrator with an address (in their own). `subject` and `message`
    are lazy translations with %(name)s placeholders; `values` gives what fills them, called in each
    recipient's language. Returns how many went."""
    recipients: dict[str, str] = dict(
        User.objects.filter(Q(is_staff=True) | Q(role=Role.ADMIN), is_active=True)
        .exclude(email="")
        .values_list("email", "language")
    )
    for _name, address in settings.ADMINS:
        recipients.setdefault(address, settings.LANGUAGE_CODE)
    sent = 0
    for address, language in recipients.items():
        with translation.override(language):
            filled = values()
            text = _("[Single Window] %(what)s") % {"what": str(subject) % filled}
            sent += send_mail(text, str(message) % filled, None, [address], fail_silently=False)
    return sent
