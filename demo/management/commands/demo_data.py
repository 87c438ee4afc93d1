"""Demo organisations, users and declarations for `make run`. Safe to run again."""

import base64
from binascii import unhexlify
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc

from credit import commitments as credit_commitments
from credit import services as credit_services
from credit.choices import Channel, CommitmentKind
from credit.models import Commitment, CreditRecord
from declarations import review, services
from declarations.choices import Direction, DocumentKind
from declarations.examples import blank_pdf, example_containers, example_header, example_line
from demo import approvals as demo_approvals
from demo import ecommerce as demo_ecommerce
from licensing import applications as licence_applications
from licensing.choices import LicenceKind
from licensing.issuing import LineSpec, licence_issue
from licensing.models import Licence, Qualification, QualificationKind
from singlewindow import elicence
from singlewindow.choices import Agency, DelegationStatus, Matter, OrganisationKind, Role
from singlewindow.models import AgentGrant, Delegation, ELicenceAdministrator, Organisation, User
from vessels import services as vessel_services
from vessels.examples import example_call, example_parts

PASSWORD = "demo-pass-2026"  # noqa: S105 (published demo logins)
# Officers and the administrator log in with a second factor (OTP_REQUIRED_ROLES): their authenticator
# key, published like the password (RFC 6238's test key; an app shows it in base32).
OTP_KEY_HEX = b"12345678901234567890".hex()


def make_uscc(body: str) -> str:
    """A USCC with a correct check character from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


ORGANISATIONS = [
    # key, kind, agency, name, English name, USCC body, customs code, inspection code
    (
        "a",
        OrganisationKind.ENTERPRISE,
        "",
        "上海远航进出口有限公司",
        "Shanghai Yuanhang Import & Export Co., Ltd.",
        "91310115MA1H7KQ2X",
        "3122460A7B",
        "3100612345",
    ),
    (
        "b",
        OrganisationKind.ENTERPRISE,
        "",
        "福建海峡贸易有限公司",
        "Fujian Strait Trading Co., Ltd.",
        "91350100MA2Y3PN8K",
        "3501960C1D",
        "",
    ),
    (
        "broker",
        OrganisationKind.BROKER,
        "",
        "上海通达报关有限公司",
        "Shanghai Tongda Customs Brokerage Co., Ltd.",
        "91310000MA1K4RT6W",
        "3122980E2F",
        "3100698765",
    ),
    (
        "customs",
        OrganisationKind.AGENCY,
        Agency.CUSTOMS,
        "上海海关",
        "Shanghai Customs",
        "11100000000013427",
        "",
        "",
    ),
    (
        "inspection",
        OrganisationKind.AGENCY,
        Agency.INSPECTION,
        "上海检验检疫局",
        "Shanghai Entry-Exit Inspection and Quarantine Bureau",
        "11310000425021391",
        "",
        "",
    ),
    (
        "maritime",
        OrganisationKind.AGENCY,
        Agency.MARITIME,
        "上海海事局",
        "Shanghai Maritime Safety Administration",
        "11310000425006573",
        "",
        "",
    ),
    (
        "border",
        OrganisationKind.AGENCY,
        Agency.BORDER,
        "上海出入境边防检查总站",
        "Shanghai General Border Inspection Station",
        "11310000MB1B2C3D4",
        "",
        "",
    ),
    (
        "commerce",
        OrganisationKind.AGENCY,
        Agency.COMMERCE,
        "上海市商务委员会",
        "Shanghai Municipal Commission of Commerce",
        "11310000002416839",
        "",
        "",
    ),
    (
        "ship",
        OrganisationKind.SHIP_AGENCY,
        "",
        "中联船务代理(上海)有限公司",
        "Sinolink Shipping Agency (Shanghai) Co., Ltd.",
        "91310115MA1G8UWX3",
        "",
        "",
    ),
    (
        "platform",
        OrganisationKind.PLATFORM,
        "",
        "国际贸易单一窗口运营中心",
        "Single Window Operations Centre",
        "12310000MB2C4D6E8",
        "",
        "",
    ),
]

USERS = [
    # username, organisation key, role, display name
    ("clerk_a", "a", Role.DECLARANT, "王芳"),
    ("manager_a", "a", Role.MANAGER, "李强"),
    ("clerk_b", "b", Role.DECLARANT, "陈静"),
    ("broker", "broker", Role.DECLARANT, "张伟"),
    ("customs_officer", "customs", Role.OFFICER, "刘洋"),
    ("inspection_officer", "inspection", Role.OFFICER, "赵敏"),
    ("maritime_officer", "maritime", Role.OFFICER, "孙涛"),
    ("border_officer", "border", Role.OFFICER, "吴刚"),
    ("commerce_officer", "commerce", Role.OFFICER, "郑丽"),
    ("ship_agent", "ship", Role.DECLARANT, "周杰"),
    ("admin", "platform", Role.ADMIN, "系统管理员"),
]


class Command(BaseCommand):
    help = "Create demo organisations, users and declarations (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if options["otp_code"]:
            self.stdout.write(format(totp(unhexlify(OTP_KEY_HEX)), "06d"))
            return
        orgs = self.create()
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for username, key, role, _display in USERS:
            self.stdout.write(f"  {username:<20} {orgs[key].name} · {role.label}")
        for username, name in self.approval_logins:
            self.stdout.write(f"  {username:<20} {name} · {Role.OFFICER.label}")
        for username, name in self.ecommerce_logins:
            self.stdout.write(f"  {username:<20} {name} · {Role.DECLARANT.label}")
        secret = base64.b32encode(unhexlify(OTP_KEY_HEX)).decode()
        self.stdout.write(
            f"Officers and admin then type a one-time code: add the key {secret} to an authenticator app,"
            " or print the current code with `python manage.py demo_data --otp-code`."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--otp-code", action="store_true", help="Print the demo officers' current code.")

    def electronic_licences(self, orgs: dict[str, Organisation], users: dict[str, User]) -> None:
        """Electronic licences (S12): A's held by its manager, who named its clerk an administrator; every
        other declarant holds a full grant, the ship agent one for vessel declarations only."""
        for org in orgs.values():
            if elicence.holds_licence(org):
                elicence.elicence_for(org)
        manager, clerk = users["manager_a"], users["clerk_a"]
        if not ELicenceAdministrator.objects.filter(person=clerk).exists():
            elicence.administrator_add(user=manager, person_id=clerk.pk)
        agent = users["ship_agent"]
        for username, key, role, _display in USERS:
            if role == Role.DECLARANT and elicence.holds_licence(orgs[key]) and username != agent.username:
                elicence.grant_standing(person=users[username], days=730)
        if not AgentGrant.objects.filter(person=agent).exists():
            AgentGrant.objects.create(organisation=orgs["ship"], person=agent, full=False, matters=[Matter.VESSEL],
                                      valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31))  # fmt: skip

    @transaction.atomic
    def create(self) -> dict[str, Organisation]:
        orgs = {}
        for key, kind, agency, name, name_en, body, customs_code, inspection_code in ORGANISATIONS:
            orgs[key], _ = Organisation.objects.get_or_create(
                uscc=make_uscc(body),
                defaults={
                    "kind": kind,
                    "agency": agency,
                    "name": name,
                    "name_en": name_en,
                    "customs_code": customs_code,
                    "inspection_code": inspection_code,
                    "address": "上海市浦东新区" if key != "b" else "福建省福州市马尾区",
                    "contact_name": "业务部",
                    "phone": "021-6888 0000",
                },
            )
        for key, number in (("a", "3100612345"), ("broker", "3100698765")):
            Qualification.objects.get_or_create(
                kind=QualificationKind.INSPECTION_REGISTRATION,
                number=number,
                defaults={"organisation": orgs[key], "valid_from": date(2020, 1, 1)},
            )
        # Credit (S9): enterprise A is an advanced certified AEO; B was fined by customs, so it is dishonest in
        # public credit and its declarations are released after sampling more often.
        for key, agency, record in (
            # certified under the Order it cites, which applies from 1 April 2026 (credit/reference/customs-v1.json)
            ("a", Agency.CUSTOMS, {"record_id": "AEO-2026-0001", "kind": "aeo_advanced", "outcome": "favourable",
                                   "legal_basis": "海关总署令第282号", "decided_at": date(2026, 5, 12)}),
            ("b", Agency.CUSTOMS, {"record_id": "PEN-2026-0042", "kind": "penalty", "penalty_type": "fine",
                                   "amount": "20000", "legal_basis": "《海关行政处罚实施条例》第十五条",
                                   "decided_at": date(2026, 9, 14)}),
        ):  # fmt: skip
            if not CreditRecord.objects.filter(source_agency=agency, record_id=record["record_id"]).exists():
                credit_services.record_add(
                    agency=agency, channel=Channel.API, values={"uscc": orgs[key].uscc, **record}
                )
        for key, number in (("a", "FTO-310000-01234"), ("b", "FTO-350000-05678")):
            Qualification.objects.get_or_create(
                kind=QualificationKind.FOREIGN_TRADE_OPERATOR,
                number=number,
                defaults={"organisation": orgs[key], "valid_from": date(2019, 6, 1)},
            )
        users = {}
        for username, key, role, display in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username, organisation=orgs[key], role=role, first_name=display,
                    email=f"{username}@demo.singlewindow.example",
                )  # fmt: skip
                user.is_staff = user.is_superuser = role == Role.ADMIN
                user.set_password(PASSWORD)
                user.save()
            if role in (Role.OFFICER, Role.ADMIN) and not TOTPDevice.objects.filter(user=user).exists():
                TOTPDevice.objects.create(user=user, name="demo", key=OTP_KEY_HEX, confirmed=True)
            users[username] = user

        self.electronic_licences(orgs, users)
        Delegation.objects.get_or_create(
            client=orgs["a"],
            broker=orgs["broker"],
            defaults={
                "status": DelegationStatus.ACTIVE,
                "may_submit": True,
                "valid_from": date(2026, 1, 1),
                "valid_until": date(2027, 12, 31),
                "proposed_by": orgs["a"],
            },
        )

        clerk = users["clerk_a"]
        if not orgs["a"].declarations.exists():
            submitted = services.declaration_create(user=clerk)
            services.declaration_save_draft(
                declaration=submitted,
                user=clerk,
                header=example_header(),
                lines=[example_line(i) for i in range(3)],
                containers=example_containers(),
            )
            for document_kind, title in (
                (DocumentKind.INVOICE, "invoice"),
                (DocumentKind.PACKING_LIST, "packing-list"),
            ):
                services.document_attach(
                    declaration=submitted,
                    user=clerk,
                    kind=document_kind,
                    upload=SimpleUploadedFile(f"{title}.pdf", blank_pdf(title), "application/pdf"),
                )
            services.declaration_submit(declaration=submitted, user=clerk)
            draft = services.declaration_create(user=clerk)
            services.declaration_save_draft(
                declaration=draft, user=clerk, header=example_header(), lines=[example_line(3)]
            )
            # The broker prepared one for enterprise A and sent it for review: clerk_a has a notification.
            broker = users["broker"]
            brokered = services.declaration_create(user=broker, client_uscc=orgs["a"].uscc)
            services.declaration_save_draft(
                declaration=brokered,
                user=broker,
                header={**example_header(), "contract_no": "SH-2026-0877"},
                lines=[example_line(i) for i in range(2)],
                containers=example_containers(),
            )
            review.review_send(declaration=brokered, user=broker, note="请核对毛重和单价")

        agent = users["ship_agent"]
        if not orgs["ship"].declarations.exists():
            # A departure ready to submit: the simulator releases it and the certificate can be printed.
            departure = vessel_services.vessel_create(user=agent, direction=Direction.EXPORT)
            vessel_services.vessel_save(
                declaration=departure, user=agent, call=example_call(), parts=example_parts(crew=18)
            )

        if not Licence.objects.filter(holder=orgs["a"]).exists():
            self.licences(orgs, clerk)
        if not Commitment.objects.filter(uscc=orgs["a"].uscc).exists():
            self.commitments(clerk, users["customs_officer"])
        # Parallel approvals (seed case 5): the window and two departments, a case in review, one filed.
        self.approval_logins = demo_approvals.create(
            clerk=users["clerk_a"], make_uscc=make_uscc, password=PASSWORD, otp_key_hex=OTP_KEY_HEX
        )
        # Cross-border e-commerce: five firms, their parcels through 三单对碰, a guarantee, a bonded account book.
        self.ecommerce_logins = demo_ecommerce.create(make_uscc=make_uscc, password=PASSWORD)
        return orgs

    def commitments(self, clerk: User, officer: User) -> None:
        """Enterprise A's credit commitments to customs (/credit/mine/commitments/): one whose period ended and
        that customs recorded kept; one in force, which customs_officer may record broken at
        /credit/commitments/ (a credit record, which lowers A's public credit class)."""
        today = timezone.localdate()
        began = today - timedelta(days=200)
        kept = credit_commitments.commitment_file(
            user=clerk, kind=CommitmentKind.SELF_DISCLOSURE, agency=Agency.CUSTOMS, today=began, starts_on=began,
            ends_on=began + timedelta(days=90),
            text="主动披露上一季度漏报的特许权使用费，承诺三个月内补缴税款及滞纳金",
        )  # fmt: skip
        credit_commitments.commitment_fulfilment(
            user=officer, commitment_id=kept.pk, kept=True, note="已按期补缴税款及滞纳金"
        )
        began = today - timedelta(days=30)
        credit_commitments.commitment_file(
            user=clerk, kind=CommitmentKind.SELF_REGULATION, agency=Agency.CUSTOMS, today=began, starts_on=began,
            ends_on=began + timedelta(days=365),
            text="遵守上海市进出口商会自律公约：申报单证齐全、价格真实，一年内不发生申报不实",
        )  # fmt: skip

    def licences(self, orgs: dict[str, Organisation], clerk: User) -> None:
        """An automatic import licence for hot-rolled steel plate, issued to enterprise A (cite it on a
        declaration: its number, line 1), and a draft application for crude oil ready to submit."""
        licence_issue(
            holder=orgs["a"], issuer=orgs["commerce"], kind=LicenceKind.AUTOMATIC_IMPORT,
            lines=[LineSpec(hs_code="7208510000", name="热轧钢板", unit="035", quantity=Decimal(500000),
                            unit_price=Decimal("0.62"), amount=Decimal(310000), currency="USD", bulk=True)],
            issued_at=timezone.now(), non_one_batch=True,
        )  # fmt: skip
        licence_applications.application_create(
            user=clerk, kind=LicenceKind.AUTOMATIC_IMPORT,
            values={"trade_mode": "0110", "origin_country": "SAU", "trade_country": "SAU", "use_of_goods": "自用（炼化）",
                    "place_of_clearance": "2200"},
            lines=[{"hs_code": "2709000000", "name": "原油", "specification": "阿拉伯轻质原油", "unit": "070",
                    "quantity": Decimal(20000), "unit_price": Decimal(540), "amount": Decimal(10800000), "currency": "USD",
                    "bulk": True}],
        )  # fmt: skip
