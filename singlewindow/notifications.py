"""Telling people what needs them: a row per recipient shown in the portal, and an email in the
recipient's language sent after the change commits by the task `send_notification_emails` (the work is
singlewindow/emails.py; console backend in development)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .choices import Role
from .models import Notification, User
from .notification_kinds import NotificationKind
from .tasks import send_notification_emails


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
        [Notification(recipient=user, kind=kind.key, params=params, url=url) for user in recipients.values()]
    )
    ids = [n.pk for n in created]
    if ids:
        # Robust: a broker that is down must not fail what created them; singlewindow.email_sweep sends later.
        transaction.on_commit(lambda: send_notification_emails.delay(ids), robust=True)
    return created


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
