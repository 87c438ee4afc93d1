"""`manage.py import_conduct FILE.csv`: platform staff load the prohibited-conduct list (credit/conduct.py).
Every row becomes a draft to review and publish in the admin; a refused row stops the whole file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from credit import conduct
from singlewindow.models import User


class Command(BaseCommand):
    help = "Import prohibited-conduct items from a CSV file as drafts: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default="", help="the platform user the audit trail names")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        if options["user"] and user is None:
            raise CommandError(f"No user {options['user']}.")
        try:
            rows = conduct.rows_of(options["file"].read_bytes())
        except OSError as error:
            raise CommandError(str(error)) from None
        except conduct.ConductRefused as refused:
            raise CommandError(str(refused)) from None
        stored, errors = conduct.conduct_import(rows=rows, user=user)
        if errors:
            for e in errors:
                self.stderr.write(f"row {e['row']} {e['field']}: {e['message']}")
            raise CommandError(f"{len(errors)} rows refused; nothing imported.")
        self.stdout.write(f"{stored} draft items imported.")
