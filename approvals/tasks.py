"""Approvals' background work: the deadline sweep, every 60 s from Celery beat
(settings.CELERY_BEAT_SCHEDULE "approvals-deadlines"). Thin: the work is approvals/deadlines.py, which
can run twice, or twice at once, without harm."""

from celery import shared_task

from .deadlines import deadlines_sweep


@shared_task(name="approvals.sweep", ignore_result=True)
def sweep() -> int:
    """Deem consent (or escalate) at every passed deadline, end public notices, remind what is due."""
    return deadlines_sweep().total
