"""Portal-wide background work."""

from celery import shared_task

from .emails import email_notifications, emails_waiting
from .idempotency import requests_expire


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    return email_notifications(ids)


@shared_task(name="singlewindow.expire_idempotency_keys", ignore_result=True)
def expire_idempotency_keys() -> int:
    """Hourly (Celery beat): forget API answers kept for an Idempotency-Key longer than IDEMPOTENCY_KEY_HOURS."""
    return requests_expire()


@shared_task(name="singlewindow.email_sweep", ignore_result=True)
def email_sweep() -> int:
    """Every minute (Celery beat): send what a lost task did not (the broker was down when it was queued)."""
    return email_notifications(emails_waiting())
