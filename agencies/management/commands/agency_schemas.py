from typing import Any

from django.core.management.base import BaseCommand

from agencies.schemas import write_schemas


class Command(BaseCommand):
    help = "Write each agency's message XSD from its field map (agencies/schemas/<agency>.xsd)."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in write_schemas():
            self.stdout.write(path)
