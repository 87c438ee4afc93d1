"""The prohibited-conduct catalogue (违法经营行为提示清单, S12; Hengqin, seed case 7): what a firm must not
do in its industry, with the rule it would break and the rule that punishes it, so it knows the "red
lines" before an inspector does.

Writes: platform staff import the real list from a CSV file (all or nothing, an error per row and field),
edit drafts in the admin, have experts review them and publish them; a change to a published item is a
new version (the code stays), and publishing it supersedes the old one. Reads: the public search by
industry (GB/T 4754, credit/industries.py), entity type and keywords, then inside the results, grouped
into the seven categories with their counts, and exported to Excel. Penalty records cite the item they
punish by its code (`conduct_cited`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from openpyxl import Workbook

from singlewindow.errors import DomainError
from singlewindow.models import User
from singlewindow.services import audit_record
from singlewindow.spreadsheets import xlsx_row

from .choices import ConductCategory, ConductState, CreditAction
from .industries import EntityType, industry_code, industry_label
from .models import ConductItem

COLUMNS = (
    "code", "title_zh", "title_en", "law", "article", "clause", "penalty_basis", "category", "industries",
    "entity_types", "keywords", "source_agency", "effective_from", "repealed_at",
)  # fmt: skip
REQUIRED = ("code", "title_zh", "law", "article", "penalty_basis", "category", "source_agency", "effective_from")
MAX_FILE_BYTES = 5 * 1024 * 1024
SHOWN_PER_CATEGORY = (
    20  # the search page lists this many per category (7 × 20 rows at most); a category's own page lists all
)


class ConductRefused(DomainError):
    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


def _list(value: Any) -> list[str]:
    """A list cell: items separated by semicolons (ASCII or full-width) or the enumeration comma."""
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value or "").replace("；", ";").replace("、", ";")
    return [part.strip() for part in text.split(";") if part.strip()]


def _date(text: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:  # well formed but no such day: 2020-13-01
        return None


def _category(value: str) -> str:
    """A category by its key ("advertising") or by the label the page shows, in either language."""
    value = value.strip()
    if value in ConductCategory.values:
        return value
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for key, label in ConductCategory.choices:
                if value == str(label):
                    return key
    raise ConductRefused(
        _("%(value)s is not one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(ConductCategory.values)},
        field="category",
    )


def cleaned(values: Mapping[str, Any]) -> dict[str, Any]:
    """An item's fields from a file's row or a form, or ConductRefused naming the field. No database."""
    text = {name: str(values.get(name) or "").strip() for name in COLUMNS}
    for name in REQUIRED:
        if not text[name]:
            raise ConductRefused(_("This field is required."), field=name, code="required")
    limits = {"code": 30, "title_zh": 300, "title_en": 300, "law": 200, "article": 40, "clause": 40,
              "penalty_basis": 300, "source_agency": 100}  # fmt: skip
    for name, limit in limits.items():
        if len(text[name]) > limit:
            raise ConductRefused(_("At most %(n)d characters.") % {"n": limit}, field=name)
    industries = []
    for raw in _list(values.get("industries")):
        code = industry_code(raw)
        if code is None:
            raise ConductRefused(
                _("%(value)s is not a GB/T 4754 section (A–T) or division (01–96) code.") % {"value": raw},
                field="industries",
            )
        industries.append(code)
    entity_types = _list(values.get("entity_types"))
    unknown = [t for t in entity_types if t not in EntityType.values]
    if unknown:
        raise ConductRefused(
            _("%(value)s is not one of: %(allowed)s.") % {"value": unknown[0], "allowed": ", ".join(EntityType.values)},
            field="entity_types",
        )
    dates: dict[str, date | None] = {}
    for name in ("effective_from", "repealed_at"):
        raw_date = values.get(name)
        dates[name] = raw_date if isinstance(raw_date, date) else _date(text[name]) if text[name] else None
        if text[name] and dates[name] is None:
            raise ConductRefused(_("Give the date as YYYY-MM-DD."), field=name)
    if dates["repealed_at"] and dates["effective_from"] and dates["repealed_at"] <= dates["effective_from"]:
        raise ConductRefused(_("An item is repealed after it takes effect."), field="repealed_at")
    return {
        **{name: text[name] for name in limits},
        "category": _category(text["category"]),
        "industries": sorted(set(industries)),
        "entity_types": sorted(set(entity_types)),
        "keywords": list(dict.fromkeys(_list(values.get("keywords")))),
        "effective_from": dates["effective_from"],
        "repealed_at": dates["repealed_at"],
    }


def derived(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What search reads, kept beside the fields: the industries' sections and the lowercased text a keyword
    is looked for in. No database: the sample set's data migration stores it the same way."""
    words = [fields.get(name) or "" for name in ("code", "title_zh", "title_en", "law", "article", "clause",
                                                  "penalty_basis", "source_agency")]  # fmt: skip
    return {
        "sections": sorted({code[0] for code in fields.get("industries") or []}),
        "search_text": "\n".join([*words, *(fields.get("keywords") or [])]).lower(),
    }


# Writes ----------------------------------------------------------------------------------------------


def rows_of(data: bytes) -> list[dict[str, str]]:
    """A CSV file's rows (UTF-8, a header row naming the columns), or ConductRefused for the whole file."""
    if len(data) > MAX_FILE_BYTES:
        raise ConductRefused(_("Send a CSV file of at most 5 MB."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConductRefused(_("The file must be UTF-8 text."), field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
    if missing:
        raise ConductRefused(_("The header row lacks: %(names)s.") % {"names": ", ".join(missing)}, field="file")
    return list(reader)


@transaction.atomic
def conduct_import(*, rows: Iterable[Mapping[str, Any]], user: User | None) -> tuple[int, list[dict[str, str]]]:
    """Each row becomes a draft: version 1 of a new code, or the next version of a known one. Every row is
    checked first; if any is refused nothing is stored and each refusal says its row (the file's line
    number less the header), field and message. Returns (stored, errors)."""
    errors: list[dict[str, str]] = []
    fields_by_row: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for number, values in enumerate(rows, start=1):
        try:
            fields = cleaned(values)
        except ConductRefused as refused:
            errors.append({"row": str(number), "field": refused.field, "message": str(refused)})
            continue
        if fields["code"] in seen:
            errors.append({"row": str(number), "field": "code", "message": _("This code is in the file twice.")})
        seen.add(fields["code"])
        fields_by_row.append((number, fields))
    open_codes = set(
        ConductItem.objects.filter(code__in=seen, state__in=[ConductState.DRAFT, ConductState.REVIEWED]).values_list(
            "code", flat=True
        )
    )
    errors += [
        {"row": str(number), "field": "code",
         "message": _("Item %(code)s already has a version being prepared.") % {"code": fields["code"]}}
        for number, fields in fields_by_row
        if fields["code"] in open_codes
    ]  # fmt: skip
    if errors or not fields_by_row:
        if not errors:
            errors.append({"row": "0", "field": "file", "message": _("The file has no rows.")})
        return 0, sorted(errors, key=lambda e: int(e["row"]))
    latest = dict(
        ConductItem.objects.filter(code__in=seen).values_list("code").annotate(latest=Max("version")).order_by()
    )
    created = ConductItem.objects.bulk_create(
        [
            ConductItem(**fields, **derived(fields), version=latest.get(fields["code"], 0) + 1)
            for _number, fields in fields_by_row
        ]
    )
    for item in created:
        audit_record(actor=user, action=CreditAction.CONDUCT_IMPORTED, obj=item,
                     after={"code": item.code, "version": item.version})  # fmt: skip
    return len(created), []


def conduct_save(*, item: ConductItem, user: User | None) -> ConductItem:
    """A draft as edited in the admin, its search fields derived again. Only a draft is edited: a reviewed
    or published item changes by a new version."""
    if item.pk and ConductItem.objects.filter(pk=item.pk).exclude(state=ConductState.DRAFT).exists():
        raise ConductRefused(_("Only a draft is edited: make a new version."), field="state", code="state")
    fields = cleaned({name: getattr(item, name) for name in COLUMNS})
    for name, value in {**fields, **derived(fields)}.items():
        setattr(item, name, value)
    creating = item.pk is None
    if creating and not item.version:
        item.version = 1
    item.save()
    audit_record(actor=user, action=CreditAction.CONDUCT_CREATED if creating else CreditAction.CONDUCT_EDITED, obj=item,
                 after={"code": item.code, "version": item.version})  # fmt: skip
    return item


def _move(
    items: QuerySet[ConductItem], *, source: str, target: str, action: CreditAction, user: User, **stamp: Any
) -> int:
    moved = 0
    for item in items.select_for_update().filter(state=source).order_by("pk"):
        before = item.state
        item.state = target
        for name, value in stamp.items():
            setattr(item, name, value)
        item.save(update_fields=["state", *stamp])
        audit_record(actor=user, action=action, obj=item, before={"state": before},
                     after={"state": target, "code": item.code, "version": item.version})  # fmt: skip
        moved += 1
    return moved


@transaction.atomic
def conduct_review(*, items: QuerySet[ConductItem], user: User) -> int:
    """The experts have reviewed these drafts (others are left as they are). Returns how many moved."""
    return _move(items, source=ConductState.DRAFT, target=ConductState.REVIEWED, action=CreditAction.CONDUCT_REVIEWED,
                 user=user, reviewed_by=user, reviewed_at=timezone.now())  # fmt: skip


@transaction.atomic
def conduct_publish(*, items: QuerySet[ConductItem], user: User) -> int:
    """Publish these reviewed items: each supersedes the version of its code published so far."""
    ids = list(items.filter(state=ConductState.REVIEWED).values_list("pk", flat=True))
    codes = ConductItem.objects.filter(pk__in=ids).values_list("code", flat=True)
    _move(ConductItem.objects.filter(code__in=codes), source=ConductState.PUBLISHED,
          target=ConductState.SUPERSEDED, action=CreditAction.CONDUCT_SUPERSEDED, user=user)  # fmt: skip
    return _move(ConductItem.objects.filter(pk__in=ids), source=ConductState.REVIEWED,
                 target=ConductState.PUBLISHED, action=CreditAction.CONDUCT_PUBLISHED, user=user,
                 published_by=user, published_at=timezone.now())  # fmt: skip


@transaction.atomic
def conduct_new_version(*, item: ConductItem, user: User) -> ConductItem:
    """A draft copy of a published item as its next version, to edit; the published one stays public
    until the new version is published."""
    if ConductItem.objects.filter(code=item.code, state__in=[ConductState.DRAFT, ConductState.REVIEWED]).exists():
        raise ConductRefused(
            _("Item %(code)s already has a version being prepared.") % {"code": item.code}, field="code", code="open"
        )
    latest = ConductItem.objects.filter(code=item.code).aggregate(latest=Max("version"))["latest"]
    fields = {name: getattr(item, name) for name in (*COLUMNS, "sections", "search_text", "sample")}
    draft = ConductItem.objects.create(**fields, version=latest + 1, state=ConductState.DRAFT)
    audit_record(actor=user, action=CreditAction.CONDUCT_NEW_VERSION, obj=draft,
                 after={"code": draft.code, "version": draft.version, "from": item.version})  # fmt: skip
    return draft


# Reads -----------------------------------------------------------------------------------------------


def published(today: date | None = None) -> QuerySet[ConductItem]:
    """The items the public sees: published, in effect, not repealed."""
    today = today or timezone.localdate()
    return ConductItem.objects.filter(
        Q(repealed_at__isnull=True) | Q(repealed_at__gt=today), state=ConductState.PUBLISHED,
        effective_from__lte=today,
    )  # fmt: skip


def conduct_cited(*, code: str, on: date) -> ConductItem | None:
    """The item a penalty decided on `on` cites by its code: the version published then (a superseded
    version counts: it was the published text when the conduct was punished)."""
    return (
        ConductItem.objects.filter(
            code=code.strip(), state__in=[ConductState.PUBLISHED, ConductState.SUPERSEDED], effective_from__lte=on
        )
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class Criteria:
    """What the search page asks: each part optional; the parts narrow one another."""

    industry: str = ""
    entity_type: str = ""
    keyword: str = ""
    within: str = ""  # the search inside the results
    category: str = ""  # one category's whole list

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Criteria:
        """From a page's query string; what is not a code or a choice is left out, never an error."""
        entity_type = query.get("entity_type", "")
        category = query.get("category", "")
        return cls(
            industry=industry_code(query.get("industry", "")[:3]) or "",
            entity_type=entity_type if entity_type in EntityType.values else "",
            keyword=query.get("q", "")[:100].replace("\x00", ""),
            within=query.get("within", "")[:100].replace("\x00", ""),
            category=category if category in ConductCategory.values else "",
        )

    @property
    def asked(self) -> bool:
        return bool(self.industry or self.entity_type or self.keyword or self.within or self.category)


def _words(text: str) -> Q:
    q = Q()
    for word in text.lower().split():
        q &= Q(search_text__contains=word)
    return q


def conduct_matching(criteria: Criteria, *, today: date | None = None) -> QuerySet[ConductItem]:
    """Published items for the criteria: an item naming no industry (or no entity type) concerns every
    one; a division matches items naming it or its whole section; a section matches items naming it or
    any of its divisions; keywords (all of them, then those searched inside) in its text."""
    items = published(today)
    if criteria.industry:
        code = criteria.industry
        if len(code) == 1:
            items = items.filter(Q(sections__contains=[code]) | Q(industries=[]))
        else:
            items = items.filter(Q(industries__contains=[code]) | Q(industries__contains=[code[0]]) | Q(industries=[]))
    if criteria.entity_type:
        items = items.filter(Q(entity_types__contains=[criteria.entity_type]) | Q(entity_types=[]))
    items = items.filter(_words(criteria.keyword), _words(criteria.within))
    return items


@dataclass(frozen=True)
class CategoryGroup:
    key: str
    label: str
    count: int
    items: list[ConductItem]


def conduct_search(criteria: Criteria, *, today: date | None = None) -> list[CategoryGroup]:
    """The results grouped into the seven categories, each with its count (all seven, empty ones too,
    so the page always reads the same): up to 20 items each, or all of the one category asked for."""
    items = list(conduct_matching(criteria, today=today).order_by("category", "code"))
    by_category: dict[str, list[ConductItem]] = {}
    for item in items:
        by_category.setdefault(item.category, []).append(item)
    limit = None if criteria.category else SHOWN_PER_CATEGORY
    return [
        CategoryGroup(
            key=key,
            label=str(label),
            count=len(by_category.get(key, [])),
            items=by_category.get(key, [])[:limit] if not criteria.category or key == criteria.category else [],
        )
        for key, label in ConductCategory.choices
    ]


def conduct_xlsx(criteria: Criteria, *, today: date | None = None) -> bytes:
    """The whole result as one Excel table ("一表导出"), headers in the active language; formula-like text
    is written as text (singlewindow/spreadsheets.py)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Prohibited conduct"))
    sheet.append(
        xlsx_row(sheet, [_("Category"), _("Code"), _("Version"), _("Conduct"), _("Conduct (English)"),
                         _("Legal basis"), _("Penalty basis"), _("Industries"), _("Entity types"), _("Keywords"),
                         _("Source agency"), _("Effective from"), _("Repealed on")])
    )  # fmt: skip
    types = dict(EntityType.choices)
    for item in conduct_matching(criteria, today=today).order_by("category", "code"):
        sheet.append(
            xlsx_row(sheet, [
                item.get_category_display(), item.code, item.version, item.title_zh, item.title_en,
                item.legal_basis, item.penalty_basis,
                "; ".join(industry_label(code) for code in item.industries) or _("Every industry"),
                "; ".join(str(types[t]) for t in item.entity_types if t in types) or _("Every kind"),
                "; ".join(item.keywords), item.source_agency, item.effective_from, item.repealed_at,
            ])
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SAMPLE_FILE = "conduct-sample.csv"


def load_sample(item_model: Any) -> int:
    """Store the shipped sample set (credit/reference/conduct-sample.csv: 28 items, every one titled
    【示例】 / [Sample] and flagged `sample`), published, once. `item_model`: ConductItem or its historical
    version in the data migration. The real list is imported by platform staff (`import_conduct`)."""
    from .schemes import REFERENCE

    rows = rows_of((REFERENCE / SAMPLE_FILE).read_bytes())
    stored = 0
    for values in rows:
        fields = cleaned(values)
        _item, created = item_model.objects.get_or_create(
            code=fields["code"], version=1,
            defaults={**fields, **derived(fields), "state": ConductState.PUBLISHED, "sample": True},
        )  # fmt: skip
        stored += created
    return stored


def unload_sample(item_model: Any) -> None:
    """Remove the sample items no penalty record cites."""
    item_model.objects.filter(sample=True, records__isnull=True).delete()
