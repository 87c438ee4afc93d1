"""Apply every migration, unapply them all, apply them again, on a scratch SQLite database."""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with tempfile.TemporaryDirectory() as tmp:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/migrations.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")
    import django
    from django.core.management import call_command

    django.setup()
    apps = ["agencies", "ecommerce", "approvals", "declarations", "licensing", "credit", "singlewindow"]
    call_command("migrate", verbosity=0)
    for app in apps:
        call_command("migrate", app, "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    print("migrations: forward, back to zero and forward again: ok")
