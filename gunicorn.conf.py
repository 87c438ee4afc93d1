"""Production web server settings (docker-compose and `make bench` use them)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let one process overlap a request's database waits with another's Python work.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
timeout = 60
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None
