"""Declarations' background work: ERP imports."""

from celery import shared_task

from .interchange.imports import import_run


@shared_task(acks_late=True)
def run_import(job_id: int) -> int:
    return import_run(job_id=job_id).created_count
