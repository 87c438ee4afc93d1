"""Credit's background work: the nightly reclassification (Celery beat, settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import reclassify


@shared_task(name="credit.reclassify_all", ignore_result=True)
def reclassify_all() -> int:
    """Every firm under every scheme in force, set-based; a run changes only what changed."""
    return reclassify()
