"""The Celery application. Tasks live in each app's tasks.py and only call services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")

app = Celery("singlewindow")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Keep database connections between tasks (Django's CONN_MAX_AGE still applies); Celery's default is to
# close them after every task, which costs a new PostgreSQL connection per task.
app.conf.CELERY_DB_REUSE_MAX = 1000
app.autodiscover_tasks()
