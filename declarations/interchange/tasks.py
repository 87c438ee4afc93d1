"""The ERP import's background work: uploads.py enqueues it, imports.py does it."""

from celery import shared_task

from .imports import import_run


@shared_task(name="declarations.tasks.run_import", acks_late=True)  # the name it was first queued under
def run_import(job_id: int) -> int:
    return import_run(job_id=job_id).created_count
