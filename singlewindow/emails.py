"""Emailing notifications: the work of the task `send_notification_emails` (singlewindow/tasks.py), which
notifications.notify() queues after the change commits. Each email is in the recipient's language
(console backend in development)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification


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
