"""`manage.py keys`: a fresh set of secrets as environment lines (`make keys` writes them to .env).

Each agency's private key belongs to that agency's system: it is printed here for the simulator, which
stands in for the agencies; a real agency generates its own pair and sends only the public half
(`manage.py keys --pair` makes one; docs/AGENCY_PROTOCOL.md section 4).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.core.management.utils import get_random_secret_key

from agencies.apps import AGENCIES
from singlewindow.signatures import key_id, new_private_text, public_text


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # it makes the keys the deploy checks ask for
    help = "Print a fresh SECRET_KEY, portal signing key and one key pair per agency, as .env lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pair", action="store_true", help="print one new key pair only (enrolment, rotation)")

    def handle(self, *args: Any, pair: bool, **options: Any) -> None:
        if pair:
            private = new_private_text()
            public = public_text(private)
            self.stdout.write(f"# key id {key_id(public)}\nPRIVATE_KEY={private}\nPUBLIC_KEY={public}")
            return
        portal = new_private_text()
        lines = [
            "# Single Window secrets, made by `manage.py keys`. Keep this file out of version control.",
            f"SECRET_KEY='{get_random_secret_key()}'",
            f"PORTAL_SIGNING_KEY={portal}",
            "# What every agency's system is given to check the portal's messages:",
            f"PORTAL_PUBLIC_KEY={public_text(portal)}",
            "# Each agency's public key (the portal keeps it) and private key (the agency's own; here for the simulator):",
        ]
        for agency in AGENCIES:
            private = new_private_text()
            lines += [
                f"AGENCY_{agency.upper()}_PUBLIC_KEYS={public_text(private)}",
                f"AGENCY_{agency.upper()}_PRIVATE_KEY={private}",
            ]
        self.stdout.write("\n".join(lines))
