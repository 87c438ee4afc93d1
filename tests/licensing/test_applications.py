"""Applying for a licence once, online: the form of each kind pre-filled from the master record, validation
in the reader's language, submitting it to the commerce department only, the licence issued once when the
department releases it (nothing when it rejects it), printed with a QR code the public page verifies."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone, translation
from pypdf import PdfReader

from declarations.choices import DeclarationStatus, DocumentKind
from declarations.events import AgencyEvent, events_record
from declarations.examples import blank_pdf
from declarations.models import Declaration, Delivery
from licensing import applications, certificate
from licensing.choices import LicenceKind
from licensing.issuing import validity_limit
from licensing.models import Licence
from singlewindow.certificates import Verdict
from singlewindow.choices import Agency
from singlewindow.models import Notification, User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db

STEEL = {"hs_code": "7208510000", "name": "热轧钢板", "specification": "厚度 12 mm", "unit": "035",
         "quantity": Decimal(50000), "unit_price": Decimal("0.6200"), "amount": Decimal("31000.00"),
         "currency": "USD", "bulk": False}  # fmt: skip
AUTOMATIC_IMPORT = {"trade_mode": "0110", "origin_country": "KOR", "trade_country": "KOR", "use_of_goods": "自用（销售）",
                    "place_of_clearance": "2200"}  # fmt: skip


def application(clerk: User, *, kind: str = LicenceKind.AUTOMATIC_IMPORT, **values: Any) -> Declaration:
    """A complete automatic import licence application for 50 tonnes of hot-rolled steel plate (unless changed)."""
    lines = values.pop("lines", [STEEL])
    return applications.application_create(user=clerk, kind=kind, values={**AUTOMATIC_IMPORT, **values}, lines=lines)


def decide(declaration: Declaration, kind: str = "released", *, reason: str = "") -> None:
    """The commerce department's system takes the latest version and decides it (one receipt)."""
    factories.delivered(declaration)
    declaration.refresh_from_db()
    delivery = Delivery.objects.get(version__declaration=declaration, version__number=declaration.version_count)
    event = AgencyEvent(
        receipt_id=f"{delivery.message_id}-{kind}", message_id=delivery.message_id, agency=delivery.agency, sequence=1,
        at=timezone.now(), kind=kind, data={"reason": reason} if reason else {},
    )  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        events_record(events=[event])


def issued(clerk: User, **values: Any) -> Licence:
    """An application submitted and released by commerce: its licence."""
    factories.officer(Agency.COMMERCE)  # the department's organisation, the licence's issuer
    declaration = application(clerk, **values)
    applications.application_submit(declaration=declaration, user=clerk)
    decide(declaration)
    return Licence.objects.get(application=declaration)


@pytest.fixture
def clerk(db: None) -> User:
    return factories.clerk()


def test_the_applicant_and_the_import_user_come_from_the_master_record(clerk: User) -> None:
    firm = clerk.organisation
    declaration = applications.application_create(user=clerk, kind=LicenceKind.AUTOMATIC_IMPORT)

    terms = declaration.licence_application
    assert (terms.trader_name, terms.trader_uscc, terms.trader_code) == (firm.name, firm.uscc, firm.customs_code)
    assert (terms.party_name, terms.party_uscc) == (firm.name, firm.uscc)
    assert declaration.direction == "import" and declaration.domestic_party_uscc == firm.uscc


def test_the_applicant_cannot_be_typed_in(clerk: User) -> None:
    declaration = application(clerk, trader_name="别的公司", trader_uscc="91310000000000000X")
    applications.application_save(
        declaration=declaration, user=clerk, values={"trader_name": "别的公司", "trader_uscc": "91310000000000000X"}
    )
    assert declaration.licence_application.trader_uscc == clerk.organisation.uscc


def test_each_kind_has_its_own_form() -> None:
    assert "contract_no" in applications.KIND_FIELDS[LicenceKind.EXPORT]
    assert "contract_no" not in applications.KIND_FIELDS[LicenceKind.AUTOMATIC_IMPORT]
    assert "non_one_batch" not in applications.KIND_FIELDS[LicenceKind.TARIFF_QUOTA]
    with translation.override("zh-hans"):
        assert applications.label("trader_name", LicenceKind.EXPORT) != applications.label("trader_name", "7")


def test_an_empty_application_gets_every_problem_in_chinese_on_its_path(clerk: User) -> None:
    declaration = applications.application_create(user=clerk, kind=LicenceKind.EXPORT)
    with translation.override("zh-hans"):
        problems = {p.field: p.message for p in applications.application_problems(declaration)}
    with translation.override("en"):
        english = {p.field: p.message for p in applications.application_problems(declaration)}
    assert {"trade_mode", "contract_no", "trade_country", "lines"} <= set(problems)
    assert english["contract_no"] == "This field is required." and english["lines"] == "Add at least one goods line."
    assert problems["contract_no"] != english["contract_no"] and problems["lines"] != english["lines"]


def test_lines_are_checked_against_the_code_lists_and_the_amount(clerk: User) -> None:
    wrong = {**STEEL, "unit": "XYZ", "currency": "ABC", "quantity": Decimal(0), "amount": Decimal("1.00")}
    declaration = application(clerk, lines=[wrong, {**STEEL, "hs_code": "8471300000"}])

    with translation.override("en"):
        problems = {(p.field, p.code): p.message for p in applications.application_problems(declaration)}
    assert ("lines[0].unit", "unknown_code") in problems
    assert ("lines[0].currency", "unknown_code") in problems
    assert ("lines[0].quantity", "not_positive") in problems
    assert problems["lines[0].amount", "amount_mismatch"].endswith("(0.00).")
    # Computers carry no automatic import licence condition: nothing to apply for.
    assert ("lines[1].hs_code", "licence_not_needed") in problems


def test_a_validity_beyond_what_the_kind_allows_is_refused(clerk: User) -> None:
    today = timezone.localdate()
    late = validity_limit(LicenceKind.AUTOMATIC_IMPORT, today).replace(day=1)
    declaration = application(clerk, valid_until=date(late.year + 1, late.month, 1))
    assert [p.code for p in applications.application_problems(declaration)] == ["validity"]


def test_submitting_freezes_a_version_routed_to_commerce_only(clerk: User) -> None:
    declaration = application(clerk)
    version = applications.application_submit(declaration=declaration, user=clerk)

    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.pre_entry_no.startswith(f"LA{timezone.localdate().year}") and len(declaration.pre_entry_no) == 18
    assert version.agencies == [Agency.COMMERCE]
    assert list(Delivery.objects.filter(version=version).values_list("agency", flat=True)) == [Agency.COMMERCE]
    assert version.payload["kind"] == "7" and version.payload["lines"][0]["quantity"] == "50000"
    assert "risk" not in version.payload  # no risk lane for an application


def test_an_invalid_application_is_not_submitted(clerk: User) -> None:
    declaration = application(clerk, lines=[])
    with pytest.raises(applications.DeclarationInvalid):
        applications.application_submit(declaration=declaration, user=clerk)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT and not declaration.versions.exists()


def test_release_issues_the_licence_once_with_its_kinds_validity_and_uses(clerk: User) -> None:
    licence = issued(clerk)

    issued_on = timezone.localdate()
    assert licence.kind == "7" and licence.holder == clerk.organisation and licence.issuer.agency == Agency.COMMERCE
    assert licence.valid_until == validity_limit("7", issued_on)  # 6 months, never across the year
    assert licence.valid_until.year == issued_on.year
    assert licence.max_uses == 1 and licence.place_of_clearance == "2200"
    [line] = licence.lines.all()
    assert (line.hs_code, line.quantity, line.unit, line.tolerance) == ("7208510000", Decimal(50000), "035", 0)
    assert Notification.objects.filter(recipient=clerk, kind="licence_issued").exists()

    # Told again (a repeated status change): still one licence.
    pk = licence.application_id
    assert pk is not None
    applications.licences_due([pk])
    applications.licences_due([pk, pk])
    assert Licence.objects.filter(application_id=pk).count() == 1


def test_a_non_one_batch_automatic_import_licence_may_be_used_six_times(clerk: User) -> None:
    assert issued(clerk, non_one_batch=True).max_uses == 6


def test_a_rejected_application_gets_no_licence(clerk: User) -> None:
    factories.officer(Agency.COMMERCE)
    declaration = application(clerk)
    applications.application_submit(declaration=declaration, user=clerk)
    decide(declaration, "rejected", reason="超出年度配额")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.REJECTED and declaration.is_draft
    assert not Licence.objects.filter(application=declaration).exists()


def test_another_firms_application_and_licence_are_404_on_pages_and_api(clerk: User) -> None:
    licence = issued(clerk)
    draft = application(clerk)
    stranger = factories.clerk()
    page, rest = web(stranger), api(stranger)
    for url in (f"/licences/{licence.number}/", f"/licences/{licence.number}/pdf/",
                f"/licences/applications/{draft.pk}/", f"/licences/applications/{draft.pk}/edit/",
                f"/licences/applications/{licence.application_id}/"):  # fmt: skip
        assert page.get(url).status_code == 404, url
    for url in (f"/api/v1/licences/{licence.number}/", f"/api/v1/licences/{licence.number}/pdf/",
                f"/api/v1/licence-applications/{draft.pk}/", f"/api/v1/licence-applications/{draft.pk}/timeline/"):  # fmt: skip
        assert rest.get(url).status_code == 404, url
    assert rest.post(f"/api/v1/licence-applications/{draft.pk}/submit/").status_code == 404
    assert licence.number not in page.get("/licences/").content.decode()
    assert rest.get("/api/v1/licences/").json()["results"] == []


def test_the_api_applies_validates_and_submits(clerk: User) -> None:
    rest = api(clerk)
    created = rest.post(
        "/api/v1/licence-applications/",
        {"kind": "7", "application": {**AUTOMATIC_IMPORT, "trader_name": "冒名公司"}, "lines": []},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["application"]["trader_name"] == clerk.organisation.name
    url = f"/api/v1/licence-applications/{body['id']}/"
    assert rest.post(f"{url}validate/").json()["errors"][0]["field"] == "lines"
    line = {k: str(v) if isinstance(v, Decimal) else v for k, v in STEEL.items()}
    assert rest.patch(url, {"lines": [line]}, format="json").status_code == 200
    assert rest.post(f"{url}validate/").json() == {"valid": True, "errors": []}
    submitted = rest.post(f"{url}submit/")
    assert submitted.status_code == 201, submitted.content
    assert rest.get(f"{url}timeline/").json()["branches"][0]["agency"] == Agency.COMMERCE


def test_the_printed_licence_carries_a_qr_code_the_public_page_finds_genuine(clerk: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_BASE_URL = "https://sw.example.cn"
    licence = issued(clerk)
    response = web(clerk).get(f"/licences/{licence.number}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "中华人民共和国自动进口许可证" in text and licence.number in text and "热轧钢板" in text
    [code] = zxingcpp.read_barcodes(reader.pages[0].images[0].image)
    assert code.text.startswith(f"https://sw.example.cn/verify/licence/{licence.number}/")

    page = Client().get(code.text.removeprefix("https://sw.example.cn"))  # anyone, logged in or not
    assert page.status_code == 200 and page.context["status"] == Verdict.VALID
    assert licence.number in page.content.decode() and clerk.organisation.name in page.content.decode()
    assert certificate.licence_verdict(number=licence.number, token="forged-token-xx")[1] == Verdict.INVALID
    assert certificate.licence_verdict(number="2026-7-999999", token="x")[1] == Verdict.UNKNOWN

    # Someone changes the quantity on record: the printed code no longer matches.
    token = code.text.rstrip("/").rsplit("/", 1)[1]
    facts = dict(licence.facts)
    facts["lines"] = [{**facts["lines"][0], "quantity": "500000"}]
    Licence.objects.filter(pk=licence.pk).update(facts=facts)
    assert certificate.licence_verdict(number=licence.number, token=token)[1] == Verdict.INVALID
    anonymous = Client().get(code.text.removeprefix("https://sw.example.cn"))
    assert anonymous.status_code == 404 and "500000" not in anonymous.content.decode()


def test_documents_attached_to_an_application_are_frozen_and_shown_to_the_department(clerk: User) -> None:
    declaration = application(clerk)
    page = web(clerk)
    form = page.get(f"/declarations/{declaration.pk}/documents/", HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and 'name="document-file"' in form.content.decode()
    upload = SimpleUploadedFile("contract.pdf", blank_pdf("contract"), "application/pdf")
    attached = page.post(
        f"/declarations/{declaration.pk}/documents/",
        {"document-kind": DocumentKind.CONTRACT, "document-file": upload},
        HTTP_HX_REQUEST="true",
    )
    assert attached.status_code == 200 and "contract.pdf" in attached.content.decode()
    stranger = web(factories.clerk())
    assert stranger.get(f"/declarations/{declaration.pk}/documents/", HTTP_HX_REQUEST="true").status_code == 404
    document = declaration.documents.get()

    version = applications.application_submit(declaration=declaration, user=clerk)
    assert [d["sha256"] for d in version.payload["documents"]] == [document.sha256]
    officer = factories.officer(Agency.COMMERCE)
    factories.delivered(declaration)
    shown = web(officer).get(f"/licences/applications/{declaration.pk}/").content.decode()
    assert f"/declarations/{declaration.pk}/documents/{document.pk}/" in shown
    opened = web(officer).get(f"/declarations/{declaration.pk}/documents/{document.pk}/")
    assert opened.status_code == 200 and b"".join(opened.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    after = page.post(f"/declarations/{declaration.pk}/documents/", {"document-kind": DocumentKind.OTHER,
                      "document-file": SimpleUploadedFile("late.pdf", blank_pdf("late"), "application/pdf")}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert declaration.documents.count() == 1 and "late.pdf" not in after.content.decode()


def test_a_broker_with_the_firms_delegation_cannot_attach_to_its_licence_application(clerk: User) -> None:
    """Delegations cover goods declarations: a licence application is the applicant's own."""
    declaration = application(clerk)
    broker = web(factories.broker(clerk.organisation))  # type: ignore[arg-type]
    upload = SimpleUploadedFile("contract.pdf", blank_pdf("contract"), "application/pdf")
    answer = broker.post(
        f"/declarations/{declaration.pk}/documents/",
        {"document-kind": DocumentKind.CONTRACT, "document-file": upload},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 404 and not declaration.documents.exists()
