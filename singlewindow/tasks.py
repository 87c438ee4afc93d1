"""Portal-wide background work."""

from celery import shared_task

from .emails import email_notifications


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    return email_notifications(ids)
