"""Reads of credit for other apps: they ask here with plain values (a USCC), never query the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from singlewindow.choices import OrganisationKind
from singlewindow.models import Organisation

from .choices import AppealState, Outcome, RecordState
from .classify import in_force, rule_filter
from .models import Appeal, Classification, Commitment, CreditRecord, Scheme
from .periods import repair_eligible_from


@dataclass(frozen=True)
class ClassShown:
    """A firm's class under one scheme, with what put it there."""

    scheme: str
    scheme_name: str
    version: int
    klass: str
    label: str
    colour: str
    rule: str
    rule_label: str
    records: list[CreditRecord]
    decided_at: Any


def localised(labels: dict[str, str]) -> str:
    """A label from a scheme's data in the active language (Chinese when it has none in that language)."""
    language = (get_language() or "zh-hans").lower()
    return labels.get(language) or labels.get("zh-hans") or next(iter(labels.values()), "")


_label = localised


def class_spec(scheme: Scheme, klass: str) -> dict[str, Any]:
    return next(c for c in scheme.rules["classes"] if c["key"] == klass)


def rule_label(scheme: Scheme, klass: str, rule: str) -> str:
    found = [r for r in class_spec(scheme, klass)["rules"] if r["key"] == rule]
    return _label(found[0]["label"]) if found else ""


def classes_of(*, uscc: str) -> list[ClassShown]:
    """The firm's current class under each scheme, in the active language, with the rule and the records in
    force that it counts now (the class row keeps the ones it counted when it was decided)."""
    shown = []
    today = timezone.localdate()
    for c in Classification.objects.filter(uscc=uscc, current=True).select_related("scheme").order_by("scheme_key"):
        rules = [r for r in class_spec(c.scheme, c.klass)["rules"] if r["key"] == c.rule]
        records = (
            CreditRecord.objects.filter(in_force(today), rule_filter(rules[0], today), uscc=uscc)
            if rules
            else CreditRecord.objects.none()
        )
        shown.append(_shown(c, list(records)))
    return shown


def _shown(c: Classification, records: list[CreditRecord]) -> ClassShown:
    spec = class_spec(c.scheme, c.klass)
    return ClassShown(
        scheme=c.scheme_key, scheme_name=_label(c.scheme.rules.get("title", {})) or c.scheme.name,
        version=c.scheme.version, klass=c.klass, label=_label(spec["label"]), colour=spec["colour"], rule=c.rule,
        rule_label=rule_label(c.scheme, c.klass, c.rule), records=records, decided_at=c.decided_at,
    )  # fmt: skip


def class_history(*, uscc: str, scheme_key: str) -> list[Classification]:
    return list(Classification.objects.filter(uscc=uscc, scheme_key=scheme_key).select_related("scheme"))


def class_label(*, scheme_key: str, klass: str) -> str:
    """A class's name in the active language, from the latest version of the scheme that has it."""
    for scheme in Scheme.objects.filter(key=scheme_key).order_by("-version").only("rules"):
        found = [c for c in scheme.rules["classes"] if c["key"] == klass]
        if found:
            return _label(found[0]["label"])
    return klass


@dataclass(frozen=True)
class PublicEntry:
    """What the public page shows of one enterprise: its public class and its published records."""

    name: str
    uscc: str
    shown: ClassShown | None
    records: list[CreditRecord]
    commitments: list[Commitment]


PUBLIC_HITS = 50


NAME_WALK = 10_000  # names read in order (an index-only scan) before asking the bigram index instead


def firms_named(*, part: str, limit: int) -> list[tuple[str, str]]:
    """(name, USCC) of registered enterprises whose name holds this part, in any case, by name; at most
    `limit`. On PostgreSQL over a million firms (credit/migrations/0014_name_lookup.py), in two
    steps, because no single plan suits both a common part and a rare one, and the planner cannot tell
    them apart (the bigrams of a name are far from independent):

    1. walk the first NAME_WALK names in order (an index-only scan of credit_org_name) and keep those
       holding the part: a common part ("有限公司", "上海") fills the page here, and those are the first by
       name of all, since the names were read in order;
    2. otherwise the GIN index of the names' character bigrams (locale-independent, where the C collation
       makes pg_trgm skip Chinese characters) gives the names holding all of its bigrams, LIKE on the name
       checks the order, and the scan stops at `limit` hits: all of them, by name, for a rare part; for a
       part as common as a city's name, `limit` of them by name (the page says to search by more).
    """
    firms = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    if connection.vendor != "postgresql" or len(part) < 2:
        return list(firms.filter(name__icontains=part).order_by("name").values_list("name", "uscc")[:limit])
    table = Organisation._meta.db_table
    pattern = "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # LIKE compares bytes (fast on Chinese); lower() only when the part has letters that have a case
    holds = "(name LIKE %s OR lower(name) LIKE lower(%s))" if part.lower() != part.upper() else "name LIKE %s"
    like = [pattern, pattern] if part.lower() != part.upper() else [pattern]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT name, uscc FROM (SELECT name, uscc, kind FROM {table} ORDER BY name LIMIT %s) AS walked
                 WHERE kind = %s AND {holds} ORDER BY name LIMIT %s""",  # noqa: S608
            [NAME_WALK, OrganisationKind.ENTERPRISE, *like, limit],
        )
        hits = cursor.fetchall()
        if len(hits) < limit:
            cursor.execute(
                f"""SELECT name, uscc FROM (SELECT name, uscc FROM {table}
                     WHERE credit_name_bigrams(name) @> credit_name_bigrams(%s) AND kind = %s AND {holds}
                     LIMIT %s) AS found ORDER BY name""",  # noqa: S608
                [part, OrganisationKind.ENTERPRISE, *like, limit],
            )
            hits = cursor.fetchall()
    return [(name, uscc) for name, uscc in hits]


def public_lookup(*, query: str) -> list[PublicEntry]:
    """Enterprises by exact USCC or by a part of their name (at most 50), with their public-credit class
    and the records published now: public, in force or under objection, within their publication window.
    Never a non-public record, never a natural person (only registered enterprises are searched)."""
    query = query.strip()
    if len(query) < 2 or "\x00" in query:
        return []
    if len(query) == 18 and query.isalnum():
        firms = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, uscc=query.upper())
        hits = list(firms.values_list("name", "uscc")[:1])
    else:
        hits = firms_named(part=query, limit=PUBLIC_HITS)
    usccs = [uscc for _name, uscc in hits]
    # Four queries for up to fifty firms: the hits, their public classes, published records and commitments.
    current = list(
        Classification.objects.filter(uscc__in=usccs, scheme_key="public", current=True).only(
            "uscc", "scheme_key", "scheme_id", "klass", "rule", "decided_at"
        )
    )
    schemes = Scheme.objects.in_bulk({c.scheme_id for c in current})  # each scheme's rules read once, not per firm
    for c in current:
        c.scheme = schemes[c.scheme_id]
    classes = {c.uscc: _shown(c, []) for c in current}
    published: dict[str, list[CreditRecord]] = {}
    shown_fields = ("uscc", "source_agency", "kind", "penalty_type", "state", "legal_basis", "decided_at",
                    "publish_until", "conduct__code", "conduct__version", "conduct__title_zh")  # fmt: skip
    for record in (
        CreditRecord.objects.filter(in_force(timezone.localdate()), uscc__in=usccs, public=True)
        .select_related("conduct")
        .only(*shown_fields)
        .order_by("-decided_at", "-id")
    ):
        published.setdefault(record.uscc, []).append(record)
    commitments: dict[str, list[Commitment]] = {}
    for commitment in Commitment.objects.filter(uscc__in=usccs, public=True).order_by("-filed_at", "-id"):
        commitments.setdefault(commitment.uscc, []).append(commitment)
    return [
        PublicEntry(name=name, uscc=uscc, shown=classes.get(uscc), records=published.get(uscc, []),
                    commitments=commitments.get(uscc, []))
        for name, uscc in hits
    ]  # fmt: skip


@dataclass(frozen=True)
class OwnRecord:
    """One of the firm's records as its credit page lists it: what it may still ask about it."""

    record: CreditRecord
    open_appeal: Appeal | None
    repair_from: date | None
    may_object: bool
    may_repair: bool


def own_records(*, uscc: str) -> list[OwnRecord]:
    """Every adverse record about the firm (repaired and corrected ones too), newest first, with its open
    objection or repair and whether it may object to it or apply to repair it today. Two queries."""
    today = timezone.localdate()
    records = list(
        CreditRecord.objects.filter(uscc=uscc, outcome=Outcome.ADVERSE)
        .select_related("conduct")
        .order_by("-decided_at", "-id")
    )
    open_appeals = {a.record_id: a for a in Appeal.objects.filter(record__in=records, state=AppealState.PENDING)}
    shown = []
    for record in records:
        repair_from = repair_eligible_from(record)
        open_appeal = open_appeals.get(record.pk)
        in_force = record.state == RecordState.PUBLISHED and open_appeal is None
        shown.append(
            OwnRecord(
                record=record,
                open_appeal=open_appeal,
                repair_from=repair_from,
                may_object=in_force,
                may_repair=in_force and repair_from is not None and repair_from <= today,
            )
        )
    return shown


def appeals_to_decide(*, agency: str) -> list[Appeal]:
    """The agency's open objections and repairs, the oldest due first, each with its record."""
    return list(
        Appeal.objects.filter(record__source_agency=agency, state=AppealState.PENDING)
        .select_related("record")
        .order_by("due_on", "id")
    )


def appeals_of(*, uscc: str) -> list[Appeal]:
    """The firm's objections and repairs, newest first."""
    return list(Appeal.objects.filter(record__uscc=uscc).select_related("record").order_by("-filed_at", "-id"))


@dataclass(frozen=True)
class ListedFirm:
    name: str
    uscc: str
    label: str
    rule_label: str
    since: Any


LIST_LENGTH = 50
HONEST_MODEL_CUSTOMS_CLASS = "advanced"  # with the public scheme's default class: our reading of 诚信示范企业


def _current(scheme_key: str) -> Scheme | None:
    return Scheme.objects.filter(key=scheme_key).order_by("-version").first()


def _listed(classes: Any, limit: int) -> tuple[int, list[ListedFirm]]:
    firms = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    rows = classes.filter(uscc__in=firms.values("uscc")).select_related("scheme").order_by("-decided_at", "uscc")
    shown = list(rows[:limit])
    names = dict(firms.filter(uscc__in=[c.uscc for c in shown]).values_list("uscc", "name"))
    return rows.count(), [
        ListedFirm(
            name=names.get(c.uscc, c.uscc),
            uscc=c.uscc,
            label=_label(class_spec(c.scheme, c.klass)["label"]),
            rule_label=rule_label(c.scheme, c.klass, c.rule),
            since=c.decided_at,
        )
        for c in shown
    ]


def seriously_dishonest_firms(*, limit: int = LIST_LENGTH) -> tuple[int, list[ListedFirm]]:
    """The list of seriously dishonest entities (bonded-area pilot): firms in the worst class of a scheme
    (public black, customs seriously dishonest), newest first, with the rule; how many in all."""
    worst = Q(pk__in=[])
    for key in ("public", "customs"):
        scheme = _current(key)
        if scheme is not None:
            worst |= Q(scheme_key=key, klass=scheme.rules["classes"][0]["key"])
    return _listed(Classification.objects.filter(worst, current=True), limit)


def honest_model_firms(*, limit: int = LIST_LENGTH) -> tuple[int, list[ListedFirm]]:
    """The list of honest model firms (诚信示范企业, bonded-area pilot): AEO advanced-certified under customs
    credit and in the public scheme's default (good) class, or not classified there yet. The pilot names the
    list, not its criteria: this rule is ours."""
    public = _current("public")
    not_good = Classification.objects.filter(scheme_key="public", current=True)
    if public is not None:
        not_good = not_good.exclude(klass=public.rules.get("default", ""))
    advanced = Classification.objects.filter(scheme_key="customs", klass=HONEST_MODEL_CUSTOMS_CLASS, current=True)
    return _listed(advanced.exclude(uscc__in=not_good.values("uscc")), limit)
