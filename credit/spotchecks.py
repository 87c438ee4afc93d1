"""Double-random spot checks (双随机, SPEC S9; reference B4: SAMR draws at least 3 % of enterprises a year).

An officer draws enterprises at a ratio from those in good standing (the public scheme's default class, or
not classified yet) — firms in warning or worse are always in — and, for each enterprise, inspectors from
the pool of every agency's officers. The draw is a pure function of a seed and the population
(`draw`): each firm's place is SHA-256(seed, firm), the lowest places are drawn; each inspector's place is
SHA-256(seed, firm, inspector). The population (sorted lists) is stored with the draw and its SHA-256 digest,
so anyone re-draws the same list from it (`spot_check_verify`), and a population that has changed since
(a firm registered or reclassified, an officer joined) gives another digest and, usually, another draw:
the page says which.

"One enterprise, one form": a drawn firm's joint checklist is every agency's items for its industries
(`checklist`). The inspectors write back the result, which becomes a credit record of the inspector's
agency and reclassifies the firm at once: no problem → a favourable inspection result (class unchanged);
minor issues, refusal to cooperate or a violation under investigation → an adverse inspection result
(warning; the penalty that may follow an investigation is its own record); unreachable → the
abnormal-operation list (dishonest).
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from singlewindow.choices import OrganisationKind, Role
from singlewindow.errors import DomainError
from singlewindow.models import Organisation, User
from singlewindow.services import audit_record

from .choices import Channel, CreditAction, Outcome, RecordKind, Severity, SpotOutcome
from .models import CheckItem, Classification, FirmIndustry, Scheme, SpotCheck, SpotCheckFirm
from .services import record_add

MAX_POPULATION = 200_000  # firms in good standing stored with one draw; narrow by more draws beyond it


class SpotCheckRefused(DomainError):
    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


# The draw: pure -------------------------------------------------------------------------------------


def population_digest(population: dict[str, list[str]]) -> str:
    text = json.dumps({key: sorted(population[key]) for key in ("good", "focus", "pool")}, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _place(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Drawn:
    uscc: str
    focus: bool
    inspectors: tuple[str, ...]  # user ids, as text


def draw(*, seed: str, population: dict[str, list[str]], ratio: Decimal, inspectors_per_firm: int) -> list[Drawn]:
    """The firms and their inspectors: every firm in focus, and ⌈ratio × good⌉ of those in good standing
    (the lowest places); for each firm the inspectors with the lowest places. Same seed and population,
    same list, whatever order the population came in."""
    good = sorted(set(population["good"]), key=lambda uscc: _place(seed, "firm", uscc))
    count = math.ceil(Decimal(len(good)) * ratio) if good else 0
    pool = sorted(set(population["pool"]))
    chosen = [(uscc, True) for uscc in sorted(set(population["focus"]))] + [(uscc, False) for uscc in good[:count]]
    return [
        Drawn(
            uscc=uscc,
            focus=focus,
            inspectors=tuple(sorted(pool, key=lambda who: _place(seed, "inspector", uscc, who))[:inspectors_per_firm]),
        )
        for uscc, focus in chosen
    ]


# The population now --------------------------------------------------------------------------------


def population_now() -> dict[str, list[str]]:
    """Registered enterprises in good standing (the public scheme's default class, or none yet) and in
    focus (any other class), and the pool of inspectors: every active officer of an agency."""
    scheme = Scheme.objects.filter(key="public").order_by("-version").first()
    default = scheme.rules.get("default", "") if scheme else ""
    firms = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).values_list("uscc", flat=True)
    focus = set(
        Classification.objects.filter(scheme_key="public", current=True, uscc__in=firms)
        .exclude(klass=default)
        .values_list("uscc", flat=True)
    )
    pool = User.objects.filter(
        is_active=True, role=Role.OFFICER, organisation__kind=OrganisationKind.AGENCY
    ).values_list("pk", flat=True)
    return {
        "good": sorted(set(firms) - focus),
        "focus": sorted(focus),
        "pool": sorted(str(pk) for pk in pool),
    }


def _officer(user: User) -> str:
    org = user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or not org.agency or user.role != Role.OFFICER:
        raise Http404
    return org.agency


@transaction.atomic
def spot_check_draw(
    *, user: User, title: str, ratio: Decimal, inspectors_per_firm: int = 2, seed: str = ""
) -> SpotCheck:
    """Draw now and store the draw with its seed (a fresh random one unless given), the population and
    its digest, and one row per firm drawn with its inspectors."""
    agency = _officer(user)
    if not title.strip():
        raise SpotCheckRefused(_("Give the spot check a title."), field="title", code="required")
    if not Decimal("0") < ratio <= Decimal("1"):
        raise SpotCheckRefused(_("The ratio is a share above 0 and at most 100 %."), field="ratio")
    if not 1 <= inspectors_per_firm <= 5:
        raise SpotCheckRefused(_("From 1 to 5 inspectors per enterprise."), field="inspectors_per_firm")
    seed = seed.strip() or secrets.token_hex(16)
    if len(seed) > 64:
        raise SpotCheckRefused(_("A seed of at most 64 characters."), field="seed")
    population = population_now()
    if len(population["good"]) > MAX_POPULATION:
        raise SpotCheckRefused(_("Too many enterprises for one draw."), field="ratio", code="too_many")
    if not population["pool"]:
        raise SpotCheckRefused(_("No officer is in the inspectors' pool."), field="inspectors_per_firm")
    check = SpotCheck.objects.create(
        title=title.strip()[:200], agency=agency, drawn_by=user, ratio=ratio, inspectors_per_firm=inspectors_per_firm,
        seed=seed, population=population, population_digest=population_digest(population),
    )  # fmt: skip
    drawn = draw(seed=seed, population=population, ratio=ratio, inspectors_per_firm=inspectors_per_firm)
    rows = SpotCheckFirm.objects.bulk_create(
        [SpotCheckFirm(spot_check=check, uscc=d.uscc, focus=d.focus) for d in drawn]
    )
    Through = SpotCheckFirm.inspectors.through
    Through.objects.bulk_create(
        [Through(spotcheckfirm_id=row.pk, user_id=int(who)) for row, d in zip(rows, drawn, strict=True)
         for who in d.inspectors]
    )  # fmt: skip
    audit_record(actor=user, action=CreditAction.SPOT_CHECK_DRAWN, obj=check,
                 after={"seed": seed, "ratio": str(ratio), "digest": check.population_digest, "firms": len(rows)})  # fmt: skip
    return check


@dataclass(frozen=True)
class Verification:
    """A re-draw: from the stored population (it must give the stored list) and from today's."""

    stored_digest_ok: bool  # the stored population still has the digest recorded at the draw
    same_as_stored: bool  # re-drawn from the stored population: the list stored
    population_changed: bool  # today's population differs from the stored one
    draw_changed: bool  # re-drawn from today's population: another list
    digest_now: str
    good_then: int
    good_now: int
    focus_then: int
    focus_now: int


def _as_stored(check: SpotCheck) -> list[tuple[str, bool, tuple[str, ...]]]:
    firms = check.firms.prefetch_related("inspectors").order_by("pk")
    return sorted((f.uscc, f.focus, tuple(sorted(str(u.pk) for u in f.inspectors.all()))) for f in firms)


def _as_list(drawn: Sequence[Drawn]) -> list[tuple[str, bool, tuple[str, ...]]]:
    return sorted((d.uscc, d.focus, tuple(sorted(d.inspectors))) for d in drawn)


def spot_check_verify(check: SpotCheck) -> Verification:
    """Anyone may re-draw: the seed and the stored population give the stored list again; today's
    population, if it has changed, gives its own digest and perhaps another list, and the page says so."""
    stored = _as_stored(check)
    again = draw(seed=check.seed, population=check.population, ratio=check.ratio,
                 inspectors_per_firm=check.inspectors_per_firm)  # fmt: skip
    now = population_now()
    digest_now = population_digest(now)
    today = draw(seed=check.seed, population=now, ratio=check.ratio, inspectors_per_firm=check.inspectors_per_firm)
    return Verification(
        stored_digest_ok=population_digest(check.population) == check.population_digest,
        same_as_stored=_as_list(again) == stored,
        population_changed=digest_now != check.population_digest,
        draw_changed=_as_list(today) != stored,
        digest_now=digest_now,
        good_then=len(check.population["good"]),
        good_now=len(now["good"]),
        focus_then=len(check.population["focus"]),
        focus_now=len(now["focus"]),
    )


# One enterprise, one form; results written back --------------------------------------------------------


def _concerns(item_codes: list[str], firm_codes: list[str]) -> bool:
    """An item for no industry concerns every firm; a section concerns its divisions and the reverse."""
    if not item_codes:
        return True
    return any(i == f or i == f[0] or f == i[0] for i in item_codes for f in firm_codes)


def firm_industries(uscc: str) -> list[str]:
    found = FirmIndustry.objects.filter(uscc=uscc).first()
    return list(found.industries) if found else []


def checklist(*, uscc: str) -> dict[str, list[CheckItem]]:
    """The firm's joint form: every agency's items in use that concern its industries, by agency."""
    industries = firm_industries(uscc)
    form: dict[str, list[CheckItem]] = {}
    for item in CheckItem.objects.filter(active=True).order_by("agency", "code"):
        if _concerns(item.industries, industries):
            form.setdefault(item.agency, []).append(item)
    return form


def spot_checks_visible(user: User) -> Any:
    _officer(user)
    return SpotCheck.objects.all()


def _with_organisation() -> Prefetch:
    """A drawn firm's inspectors with the organisation each belongs to (the pages name both)."""
    return Prefetch("inspectors", queryset=User.objects.select_related("organisation").order_by("pk"))


def drawn_firms(check: SpotCheck) -> list[tuple[SpotCheckFirm, str]]:
    """The firms of a draw with their names ('' for a code no enterprise has any more) and inspectors."""
    firms = list(check.firms.prefetch_related(_with_organisation()).select_related("record").order_by("pk"))
    names = dict(
        Organisation.objects.exclude(kind=OrganisationKind.AGENCY)
        .filter(uscc__in=[f.uscc for f in firms])
        .values_list("uscc", "name")
    )
    return [(firm, names.get(firm.uscc, "")) for firm in firms]


def drawn_firm(*, user: User, check_id: int, firm_id: int) -> SpotCheckFirm:
    _officer(user)
    firm = (
        SpotCheckFirm.objects.filter(pk=firm_id, spot_check_id=check_id)
        .select_related("spot_check", "recorded_by__organisation")
        .prefetch_related(_with_organisation())
        .first()
    )
    if firm is None:
        raise Http404
    return firm


RESULTS: dict[str, dict[str, Any]] = {
    SpotOutcome.NO_PROBLEM: {"kind": RecordKind.INSPECTION_RESULT, "outcome": Outcome.FAVOURABLE},
    SpotOutcome.MINOR: {"kind": RecordKind.INSPECTION_RESULT, "outcome": Outcome.ADVERSE},
    SpotOutcome.REFUSED: {"kind": RecordKind.INSPECTION_RESULT, "outcome": Outcome.ADVERSE},
    SpotOutcome.INVESTIGATING: {"kind": RecordKind.INSPECTION_RESULT, "outcome": Outcome.ADVERSE},
    SpotOutcome.UNREACHABLE: {"kind": RecordKind.ABNORMAL_LIST, "outcome": Outcome.ADVERSE,
                              "severity": Severity.MODERATE},
}  # fmt: skip


@transaction.atomic
def spot_check_result(*, user: User, check_id: int, firm_id: int, outcome: str, note: str) -> SpotCheckFirm:
    """One of the firm's inspectors writes back what the check found, once: a credit record of the
    inspector's agency, which reclassifies the firm at once (SPEC S9)."""
    agency = _officer(user)
    firm = (
        SpotCheckFirm.objects.select_for_update().filter(Q(inspectors=user), pk=firm_id, spot_check_id=check_id).first()
    )
    if firm is None:
        raise Http404  # not drawn, or not this officer's to check
    if firm.outcome != SpotOutcome.PENDING:
        raise SpotCheckRefused(_("The result has been recorded already."), field="outcome", code="recorded")
    if outcome not in RESULTS:
        raise SpotCheckRefused(_("Choose what the check found."), field="outcome", code="required")
    today = timezone.localdate()
    summary = f"{SpotOutcome(outcome).label}: {note.strip()}"[:500] if note.strip() else str(SpotOutcome(outcome).label)
    record = record_add(agency=agency, channel=Channel.SPOT_CHECK, user=user, values={
        "uscc": firm.uscc, "record_id": f"SC{check_id}-{firm.uscc}", "decided_at": today, "summary": summary,
        **RESULTS[outcome]})  # fmt: skip
    firm.outcome, firm.note, firm.recorded_by, firm.recorded_at, firm.record = (
        outcome,
        note.strip()[:2000],
        user,
        timezone.now(),
        record,
    )
    firm.save(update_fields=["outcome", "note", "recorded_by", "recorded_at", "record"])
    audit_record(actor=user, action=CreditAction.SPOT_CHECK_RESULT, obj=firm,
                 after={"outcome": outcome, "record": record.pk, "uscc": firm.uscc})  # fmt: skip
    return firm


SAMPLE_ITEMS = (
    ("customs", "SAMPLE-C01", "【示例】进出口货物收发货人备案信息与实际经营情况核查",
     "[Sample] Consignor/consignee registration against actual business", ""),
    ("customs", "SAMPLE-C02", "【示例】保税货物账册与实物核对", "[Sample] Bonded goods: ledger against stock", "F51;G59"),
    ("inspection", "SAMPLE-I01", "【示例】进口预包装食品中文标签核查", "[Sample] Chinese labels of imported prepacked food",
     "C14;F52"),
    ("inspection", "SAMPLE-I02", "【示例】出口商品质量抽样检验", "[Sample] Sampling inspection of export goods", "C"),
    ("commerce", "SAMPLE-M01", "【示例】对外贸易经营者备案信息核查", "[Sample] Foreign trade operator filing check", "F51"),
    ("maritime", "SAMPLE-S01", "【示例】船舶代理业务记录检查", "[Sample] Ship agency business records", "G55;G58"),
    ("port", "SAMPLE-P01", "【示例】港口经营许可条件检查", "[Sample] Port operation licence conditions", "G55;G59"),
    ("border", "SAMPLE-B01", "【示例】登轮作业人员证件管理检查", "[Sample] Boarding permits of workers on ships", "G55"),
)  # fmt: skip


def load_sample_items(item_model: Any) -> None:
    """The shipped sample spot-check items (data migration), each titled 【示例】 / [Sample]."""
    for agency, code, title_zh, title_en, industries in SAMPLE_ITEMS:
        item_model.objects.get_or_create(agency=agency, code=code, defaults={
            "title_zh": title_zh, "title_en": title_en, "industries": [c for c in industries.split(";") if c],
            "sample": True})  # fmt: skip
