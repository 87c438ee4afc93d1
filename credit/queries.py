"""Officers query credit (S10): every agency's officers read the records of any firm, public or not, by
class, source agency, record kind and period, and export them as CSV or Excel. Credit data is personal and
commercial data (S9): each time someone outside a firm is shown its non-public records, one access row per
firm says who, when, which records and where (`access_log`); platform administrators read them in the admin.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from openpyxl import Workbook

from singlewindow.choices import OrganisationKind
from singlewindow.models import User
from singlewindow.spreadsheets import SafeCSVWriter, xlsx_row

from .models import Classification, CreditRecord, RecordAccess, Scheme
from .selectors import localised

MAX_EXPORT = 50_000  # rows in one export: narrow the query for more


def officer_agency(user: User) -> str:
    """The agency of an officer querying credit; anyone else is not found."""
    org = user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or not org.agency:
        raise Http404
    return org.agency


def scheme_title(scheme: Scheme) -> str:
    """A scheme's name in the active language ("市场主体信用风险分类")."""
    return localised(scheme.rules.get("title", {})) or scheme.name


def _latest_schemes() -> dict[str, Scheme]:
    latest: dict[str, Scheme] = {}
    for scheme in Scheme.objects.order_by("key", "-version"):
        latest.setdefault(scheme.key, scheme)
    return latest


def scheme_choices() -> list[tuple[str, str]]:
    """Each scheme, as its key with the name of its latest version in the active language."""
    return [(key, scheme_title(scheme)) for key, scheme in _latest_schemes().items()]


def class_choices() -> list[tuple[str, str]]:
    """Every class of the latest version of each scheme, as "scheme:class" with its name in the active
    language ("市场主体信用风险分类 · 失信")."""
    choices = []
    for key, scheme in _latest_schemes().items():
        title = scheme_title(scheme)
        choices += [(f"{key}:{c['key']}", f"{title} · {localised(c['label'])}") for c in scheme.rules["classes"]]
    return choices


def in_class(records: QuerySet[CreditRecord], value: str) -> QuerySet[CreditRecord]:
    """The records of firms whose current class under the scheme is the one named ("public:dishonest")."""
    scheme_key, _sep, klass = value.partition(":")
    firms = Classification.objects.filter(scheme_key=scheme_key, klass=klass, current=True).values("uscc")
    return records.filter(uscc__in=firms)


def records_for_officers() -> QuerySet[CreditRecord]:
    return CreditRecord.objects.select_related("conduct").order_by("-decided_at", "-id")


def access_log(*, user: User, records: Iterable[CreditRecord], surface: str) -> int:
    """One row per firm whose non-public records this user was just shown (none when all were public or
    the firm is the user's own). Returns how many rows."""
    own = user.organisation.uscc if user.organisation else ""
    seen: dict[str, list[int]] = {}
    for record in records:
        if not record.public and record.uscc != own:
            seen.setdefault(record.uscc, []).append(record.pk)
    RecordAccess.objects.bulk_create(
        [RecordAccess(viewer=user, viewer_agency=user.agency, uscc=uscc, records=ids, surface=surface)
         for uscc, ids in seen.items()]
    )  # fmt: skip
    return len(seen)


def _header() -> list[str]:
    return [_("Unified social credit code"), _("Source agency"), _("Record id"), _("Kind"), _("Penalty type"),
            _("Severity"), _("Outcome"), _("Amount (yuan)"), _("Legal basis"), _("Prohibited conduct"),
            _("Summary"), _("Decided on"), _("Published until"), _("Public"), _("State")]  # fmt: skip


def _row(record: CreditRecord) -> list[object]:
    return [record.uscc, record.get_source_agency_display(), record.record_id, record.get_kind_display(),
            record.get_penalty_type_display(), record.get_severity_display(), record.get_outcome_display(),
            record.amount, record.legal_basis, record.conduct.code if record.conduct else "", record.summary,
            record.decided_at, record.publish_until, _("yes") if record.public else _("no"),
            record.get_state_display()]  # fmt: skip


def records_csv(records: Iterable[CreditRecord]) -> bytes:
    out = io.StringIO()
    writer = SafeCSVWriter(out)
    writer.writerow(_header())
    writer.writerows(_row(record) for record in records)
    return out.getvalue().encode("utf-8-sig")  # with a BOM: Excel opens UTF-8 Chinese text right


def records_xlsx(records: Iterable[CreditRecord]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Credit records"))
    sheet.append(xlsx_row(sheet, _header()))
    for record in records:
        sheet.append(xlsx_row(sheet, _row(record)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
