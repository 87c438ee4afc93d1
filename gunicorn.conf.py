"""Production web server settings (docker-compose and `make bench` use them)."""

import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let one process overlap a request's database waits with another's Python work.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
timeout = 60
# The heartbeat file each worker touches on every turn of its loop: in memory where there is /dev/shm (as
# gunicorn's documentation advises for containers), not on the overlay or disk file system. Gunicorn makes it
# with mkstemp and unlinks it at once, so the shared directory exposes nothing.
SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None


def post_worker_init(worker: Any) -> None:
    """Before the first request: load the reference data a declaration is checked against (a database not up
    yet leaves it to that request), the URL patterns and the signing table; then freeze what the process holds out of the
    garbage collector's way (gc.freeze: its full collections no longer walk the ~200,000 objects of the
    code, the patterns and the reference data, a pause of ~0.1 s every few hundred requests)."""
    import gc

    from django.db import DatabaseError, connections
    from django.urls import get_resolver

    from declarations.codelists import warm
    from singlewindow import sm2curve

    try:
        warm()
    except DatabaseError as error:
        worker.log.warning("reference data not loaded at start: %s", error)
    finally:
        connections.close_all()  # opened on this thread; requests run on the pool's
    get_resolver().reverse_dict  # noqa: B018 — populates the patterns, as the first request would
    sm2curve.table()  # the multiples of the curve's base point a submission's signature is made with
    gc.collect()
    gc.freeze()
