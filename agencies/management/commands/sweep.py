import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from agencies.tasks import sweep


class Command(BaseCommand):
    help = (
        "Deliver branches whose time has come and record waiting receipt batches. Production runs this "
        "from Celery beat; `make run` (tasks in-process) runs it here with --every."
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
