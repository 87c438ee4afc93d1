"""Declarations' background work, where Celery's autodiscovery looks for it: ERP imports
(interchange/tasks.py)."""

from .interchange.tasks import run_import

__all__ = ["run_import"]
