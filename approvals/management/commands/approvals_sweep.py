import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from approvals.tasks import sweep


class Command(BaseCommand):
    help = (
        "Fire the approval deadlines that have passed (deemed consent, escalation), end public notices, "
        "remind what is due. Production runs it from Celery beat; without a beat, run it here with --every."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds (0: once).")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            done = sweep()
            if done:
                self.stdout.write(f"swept {done}")
            if not options["every"]:
                return
            time.sleep(options["every"])
