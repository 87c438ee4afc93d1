from typing import Any

from django.core.management.base import BaseCommand

from declarations.interchange.xml_format import SCHEMA_PATH, schema_text


class Command(BaseCommand):
    help = "Write the ERP interchange XSD from the field catalogue (declarations/schemas/declarations.xsd)."

    def handle(self, *args: Any, **options: Any) -> None:
        SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
        self.stdout.write(str(SCHEMA_PATH))
