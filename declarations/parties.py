"""Who a goods declaration says is declaring (S2: a firm declares only as itself).

The domestic consignee/consignor (境内收发货人) is the enterprise that owns the declaration: the firm
filing it, or the client a customs broker prepares it for under a delegation in force (the broker's
right to act is pipeline.require_preparer's). Its name, USCC and codes come from that enterprise's
master record, never from what was typed. The consumer/producer unit is the same enterprise, or a firm
it imports (or exports) for as a foreign-trade agent under an agent relation in force
(singlewindow/agent_relations.py); its name then comes from that firm's record.

`parties_fill()` writes these on every save and on submission; the rule registered here
(`PARTIES_RULE`) refuses a declaration whose parties say otherwise, whatever path it came by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_number

from singlewindow.agent_relations import user_units_of
from singlewindow.models import Organisation
from singlewindow.problems import Problem

from .choices import GOODS
from .models import Declaration
from .registry import Rule, RuleInput
from .selectors import owners_of

# The USCC first: when it is another firm's, that is the one problem worth saying.
DOMESTIC_PARTY_FIELDS = (
    "domestic_party_uscc",
    "domestic_party_name",
    "domestic_party_customs_code",
    "domestic_party_inspection_code",
)


def domestic_party_values(org: Organisation) -> dict[str, str]:
    """The domestic consignee/consignor as the enterprise's master record (S7) says it."""
    return {
        "domestic_party_uscc": org.uscc,
        "domestic_party_name": org.name,
        "domestic_party_customs_code": org.customs_code,
        "domestic_party_inspection_code": org.inspection_code,
    }


def master_record_values(org: Organisation) -> dict[str, str]:
    """What a new draft takes from the enterprise's master record, so firms stop re-typing it."""
    return {**domestic_party_values(org), "user_unit_name": org.name, "user_unit_uscc": org.uscc}


def parties_fill(declaration: Declaration, owner: Organisation) -> list[str]:
    """Set the domestic party from the owner's record, and the user unit's name from the record of the
    firm its USCC names, when the owner may name it. Returns the fields that changed."""
    wanted = domestic_party_values(owner)
    unit = declaration.user_unit_uscc
    if unit == owner.uscc:
        wanted["user_unit_name"] = owner.name
    elif unit and (name := user_units_of(agent_ids=[owner.pk]).get(owner.pk, {}).get(unit)) is not None:
        wanted["user_unit_name"] = name
    changed = [name for name, value in wanted.items() if getattr(declaration, name) != value]
    for name in changed:
        setattr(declaration, name, wanted[name])
    return changed


@dataclass(frozen=True)
class Filer:
    """An owner as the rule needs it: its record's party values and the user units it may name."""

    values: dict[str, str]
    units: dict[str, str] = field(default_factory=dict)  # USCC → name, itself included


def filers(declarations: Sequence[Declaration]) -> dict[int, Filer]:
    """Each declaration's owner as a Filer, in two queries for any number of declarations (one when none names
    another firm as its user unit: the agent relations are not asked then)."""
    owners = owners_of(declarations)
    naming_others = {d.owner_id for d in declarations if d.user_unit_uscc not in ("", owners[d.owner_id].uscc)}
    units = user_units_of(agent_ids=sorted(naming_others))
    return {
        pk: Filer(values=domestic_party_values(org), units={**units.get(pk, {}), org.uscc: org.name})
        for pk, org in owners.items()
    }


def party_problems(subject: RuleInput, found: dict[int, Filer] | None) -> list[Problem]:
    d = subject.declaration
    filer = (found if found is not None else filers([d])).get(d.owner_id)
    if filer is None:
        return []
    problems = []
    wrong = [name for name in DOMESTIC_PARTY_FIELDS if getattr(d, name) != filer.values[name]]
    if wrong:
        problems.append(
            Problem(
                wrong[0],
                "not_the_declarant",
                _(
                    "The domestic consignee/consignor is the enterprise declaring, %(name)s (%(uscc)s), as its "
                    "record says: a firm declares only as itself, and a customs broker only for a client "
                    "whose delegation is in force."
                )
                % {"name": filer.values["domestic_party_name"], "uscc": filer.values["domestic_party_uscc"]},
            )
        )
    unit, name = d.user_unit_uscc, d.user_unit_name
    if not unit:
        if name:
            problems.append(
                Problem(
                    "user_unit_uscc",
                    "required",
                    _("Give the consumer/producer unit's unified social credit code; its name comes from its record."),
                )
            )
    elif not uscc_number.is_valid(unit):
        pass  # validation's format check says so
    elif unit not in filer.units:
        problems.append(
            Problem(
                "user_unit_uscc",
                "no_agent_relation",
                _(
                    "Another firm is the consumer/producer unit only when you import or export for it as its "
                    "foreign-trade agent, under an agent relation in force; you have none with %(uscc)s."
                )
                % {"uscc": unit},
            )
        )
    elif name != filer.units[unit]:
        problems.append(
            Problem(
                "user_unit_name",
                "not_as_recorded",
                _("The consumer/producer unit's name is the one on its record: %(name)s.")
                % {"name": filer.units[unit]},
            )
        )
    return problems


PARTIES_RULE = Rule(key="declarations.parties", category=GOODS, check=party_problems, prefetch=filers)
