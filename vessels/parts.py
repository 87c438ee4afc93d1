"""The FAL lists of a vessel declaration, described once: forms, validation, the frozen snapshot,
the page and the agencies' vessel messages all walk this table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import CrewEffect, CrewMember, DangerousGood, ManifestLine, Passenger, ShipStore, VesselCall


@dataclass(frozen=True)
class Part:
    key: str  # "crew": also the related name on Declaration and the snapshot's key
    form: str  # "FAL 5"
    model: type[models.Model]
    element: str  # the list's element in the vessel message ("CrewList")
    row_element: str  # one row's element ("CrewMember")

    @property
    def title(self) -> str | Promise:
        return self.model._meta.verbose_name_plural  # type: ignore[return-value]

    @property
    def row_title(self) -> str | Promise:
        """One row's name ("crew member"): with its number and a column, an input's label ("船员 1 姓名")."""
        return self.model._meta.verbose_name  # type: ignore[return-value]

    @cached_property
    def fields(self) -> tuple[str, ...]:
        return tuple(
            f.name
            for f in self.model._meta.get_fields()
            if isinstance(f, models.Field) and not f.auto_created and f.name not in ("declaration", "position")
        )


PARTS: tuple[Part, ...] = (
    Part("manifest_lines", "FAL 2", ManifestLine, "CargoDeclaration", "Bill"),
    Part("ship_stores", "FAL 3", ShipStore, "ShipStores", "Store"),
    Part("crew_effects", "FAL 4", CrewEffect, "CrewEffects", "Effect"),
    Part("crew", "FAL 5", CrewMember, "CrewList", "CrewMember"),
    Part("passengers", "FAL 6", Passenger, "PassengerList", "Passenger"),
    Part("dangerous_goods", "FAL 7", DangerousGood, "DangerousGoods", "Item"),
)
BY_KEY = {part.key: part for part in PARTS}
GENERAL_TITLE = _("General declaration (FAL 1)")
CALL_FIELDS: tuple[str, ...] = tuple(
    f.name for f in VesselCall._meta.get_fields() if isinstance(f, models.Field) and not f.auto_created
    and f.name != "declaration"
)  # fmt: skip


def element_name(field: str) -> str:
    """The message element for a field name: imo_number → ImoNumber."""
    return "".join(word.capitalize() for word in field.split("_"))


def label(model: type[models.Model], name: str) -> str | Promise:
    """A field's label (its verbose name) in the active language."""
    return model._meta.get_field(name).verbose_name  # type: ignore[union-attr]


def shown(model: type[models.Model], name: str, value: object) -> object:
    """A field's value as a page shows it: a code with a label (a kind of identity document) as its label."""
    choices = dict(model._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
    return choices.get(value, value) if choices else value
