"""Data harmonisation made visible: what a firm types once, and what every agency receives."""

from __future__ import annotations

from dataclasses import dataclass

from declarations.choices import Target
from declarations.defaults import defaulted
from declarations.fields import ONE_TABLE
from declarations.registry import agencies_for, field_map, fields_for


@dataclass(frozen=True)
class DataItemsReport:
    on_form: list[str]
    prefilled: list[str]
    defaulted: list[str]
    typed: list[str]
    per_agency: dict[str, list[str]]
    shared: list[str]

    @property
    def delivered(self) -> int:
        return sum(len(keys) for keys in self.per_agency.values())

    def as_dict(self) -> dict:
        return {
            "items_on_form": len(self.on_form),
            "items_prefilled": len(self.prefilled),
            "items_defaulted": len(self.defaulted),
            "items_typed": len(self.typed),
            "items_delivered": self.delivered,
            "items_shared": len(self.shared),
            "per_agency": {agency: len(keys) for agency, keys in self.per_agency.items()},
            "shared": self.shared,
            "map": {agency: dict(field_map(agency).elements) for agency in self.per_agency},
        }


def data_items(target: str = Target.BOTH) -> DataItemsReport:
    agencies = agencies_for(target)
    keys = fields_for(agencies)
    on_form = [spec.key for spec in ONE_TABLE if spec.key in keys]
    prefilled = [spec.key for spec in ONE_TABLE if spec.key in keys and spec.prefilled]
    filled = [key for key in on_form if key not in prefilled and defaulted(key)]
    per_agency = {agency: [k for k in on_form if k in field_map(agency).elements] for agency in agencies}
    shared = [k for k in on_form if sum(k in field_map(a).elements for a in agencies) > 1]
    return DataItemsReport(
        on_form=on_form,
        prefilled=prefilled,
        defaulted=filled,
        typed=[k for k in on_form if k not in prefilled and k not in filled],
        per_agency=per_agency,
        shared=shared,
    )
