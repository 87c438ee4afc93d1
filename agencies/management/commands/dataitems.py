import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from agencies.dataitems import data_items
from declarations.choices import Target
from declarations.fields import BY_KEY


class Command(BaseCommand):
    help = "How many data items a firm types for a declaration, and how many the agencies receive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", choices=Target.values, default=Target.BOTH)
        parser.add_argument("--json", action="store_true", help="Print the report and the field map as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = data_items(options["target"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        w(_("Items on the one-table form: %(n)d") % {"n": len(report.on_form)})
        w(_("  pre-filled from the enterprise master record: %(n)d") % {"n": len(report.prefilled)})
        w(_("  filled from what was typed elsewhere in the declaration: %(n)d") % {"n": len(report.defaulted)})
        w(_("Items a firm types: %(n)d") % {"n": len(report.typed)})
        w(_("Items the agencies receive in total: %(n)d") % {"n": report.delivered})
        for agency, keys in report.per_agency.items():
            w(f"  {agency}: {len(keys)}")
        w(_("Items shared (typed once, sent to several agencies): %(n)d") % {"n": len(report.shared)})
        w(_("Typed per item delivered: %(ratio).2f") % {"ratio": len(report.typed) / report.delivered})
        for key in report.shared:
            w(f"  {key}  {BY_KEY[key].label}")
