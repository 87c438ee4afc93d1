"""Telling people what needs them: a row per recipient shown in the portal, and an email in the
recipient's language sent after the change commits (console backend in development)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import NotificationKind, Role
from .models import Notification, User


def notify(
    *, kind: NotificationKind, url: str, params: dict[str, Any],
    organisation_ids: Iterable[int] = (), users: Iterable[User] = (),
) -> list[Notification]:  # fmt: skip
    """Notify these users, and the declarants and managers of these organisations."""
    recipients = {
        user.pk: user
        for user in User.objects.filter(
            organisation_id__in=list(organisation_ids), is_active=True, role__in=(Role.DECLARANT, Role.MANAGER)
        )
    }
    recipients.update({user.pk: user for user in users})
    created = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, params=params, url=url) for user in recipients.values()]
    )
    ids = [n.pk for n in created]
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


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


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (these ones, or all); others' are never touched."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
