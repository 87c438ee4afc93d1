"""What introducing the enterprise electronic licence does to the organisations and people already there
(migration 0010), so that everyone files as before: every organisation but an agency gets its licence,
held by its first manager; everyone else who acts for it (declarants, other managers) a full grant for a
year, which its administrators can narrow or revoke. Takes the model classes, so the migration passes its
historical ones and the test the real ones."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

STANDING_DAYS = 365
SIGNING_ROLES = ("declarant", "manager")  # officers and platform administrators sign nothing


def backfill(*, organisations: Any, users: Any, licences: Any, grants: Any, today: date | None = None) -> int:
    """Issue the missing licences and standing grants; returns how many grants it gave."""
    today = today or timezone.localdate()
    given = 0
    for org in organisations.objects.exclude(kind="agency").order_by("pk"):
        people = list(users.objects.filter(organisation=org, role__in=SIGNING_ROLES).order_by("pk"))
        licence = licences.objects.filter(organisation=org).first()
        if licence is None:
            first_manager = next((p for p in people if p.role == "manager" and p.is_active), None)
            licence = licences.objects.create(organisation=org, legal_representative=first_manager)
        for person in people:
            if person.pk == licence.legal_representative_id:
                continue
            if grants.objects.filter(organisation=org, person=person).exists():
                continue
            grants.objects.create(organisation=org, person=person, full=True, matters=[], valid_from=today,
                                  valid_until=today + timedelta(days=STANDING_DAYS))  # fmt: skip
            given += 1
    return given
