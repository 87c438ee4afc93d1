"""Celery tasks of the e-commerce app: thin, idempotent wrappers over the services."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .matching import inventories_sweep
from .models import Receipt


@shared_task(name="ecommerce.sweep")
def sweep() -> int:
    """Re-match every waiting inventory and return, once, those past their matching window (each
    decision is taken under the row's lock with the state still "waiting"; a second sweep running at
    the same time skips the rows the first holds)."""
    with transaction.atomic():
        receipts = inventories_sweep(now=timezone.now())
        Receipt.objects.bulk_create(receipts)
    return len(receipts)
