from typing import Any

from django.core.management.base import BaseCommand

from declarations.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Load the HS nomenclature, the code lists and the mandatory inspection list (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference_data()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
