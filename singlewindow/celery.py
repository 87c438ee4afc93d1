"""The Celery application. Tasks live in each app's tasks.py and only call services."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")

app = Celery("singlewindow")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery closes a worker's database connections after every task unless told to reuse them; a new
# PostgreSQL connection per task was most of a delivery's time. Reused, they are closed every 2 x 200
# tasks; a connection broken in between (a database restart) fails its task, and the sweep retries it.
app.conf.CELERY_DB_REUSE_MAX = 200
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze(**_kwargs: object) -> None:
    """A pool process starts holding what its parent loaded (the code, the settings, the adapters' schemas):
    out of the garbage collector's way, as gunicorn.conf.py does for the web processes."""
    gc.freeze()
