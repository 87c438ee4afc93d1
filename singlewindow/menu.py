"""What each user is offered, decided in this one place: the header menu's entries (base.html lists what
`menu_entries` returns) and the page "/" sends them to after logging in (`landing_page`), from the kind
of their organisation, its agency and their role. Apps are named by URL name only (strings): this bottom
layer imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import FIRM_KINDS, Agency, OrganisationKind, Role
from .models import Organisation, User

# The agencies goods declarations are routed to (declarations/registry.py, Target): the others' officers
# have no goods list to work on.
GOODS_AGENCIES = (Agency.CUSTOMS, Agency.INSPECTION)


@dataclass(frozen=True)
class Viewer:
    """What the rules below read of a user."""

    user: User
    kind: str
    agency: str
    broker_has_clients: bool

    @property
    def officer(self) -> bool:
        return self.kind == OrganisationKind.AGENCY and self.user.role == Role.OFFICER

    @property
    def cbec_party(self) -> bool:
        """Filed as a cross-border e-commerce party (platform, seller, payment, logistics, declarant)."""
        org = self.user.organisation
        return org is not None and org.cbec_filings.exists()


def _viewer(user: User, *, broker_has_clients: bool = False) -> Viewer:
    org: Organisation | None = user.organisation
    return Viewer(user, org.kind if org else "", org.agency if org else "", broker_has_clients)


def _kinds(*kinds: str) -> Callable[[Viewer], bool]:
    return lambda v: v.kind in kinds


def _agencies(*agencies: str) -> Callable[[Viewer], bool]:
    return lambda v: v.kind == OrganisationKind.AGENCY and v.agency in agencies


def _everyone(v: Viewer) -> bool:
    return True


def _goods_party(v: Viewer) -> bool:
    """Who has goods declarations to list: firms, and the agencies they are routed to."""
    return v.kind in FIRM_KINDS or _agencies(*GOODS_AGENCIES)(v)


def _declares_goods(v: Viewer) -> bool:
    return v.kind == OrganisationKind.ENTERPRISE or v.broker_has_clients


def _licences(v: Viewer) -> bool:
    return v.kind == OrganisationKind.ENTERPRISE or _agencies(Agency.CUSTOMS, Agency.COMMERCE)(v)


def _ecommerce(v: Viewer) -> bool:
    return _agencies(Agency.CUSTOMS)(v) or v.cbec_party


def _officer(v: Viewer) -> bool:
    return v.officer


def _platform_administrator(v: Viewer) -> bool:
    return v.user.role == Role.ADMIN


def _admin_site(v: Viewer) -> bool:
    return v.user.is_staff


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    offered: Callable[[Viewer], bool]
    id: str = ""  # the link's id, which tests and scripts find it by

    @property
    def href(self) -> str:
        return reverse(self.url_name)


ENTERPRISE, BROKER, AGENCY = OrganisationKind.ENTERPRISE, OrganisationKind.BROKER, OrganisationKind.AGENCY
ENTRIES = (
    Entry("admin:index", _("Administration"), _admin_site, "nav-admin"),
    Entry("declarations:list", _("Declarations"), _goods_party),
    Entry("dashboard", _("Dashboard"), _kinds(ENTERPRISE, BROKER, AGENCY), "nav-dashboard"),
    Entry("declarations:new", _("New declaration"), _declares_goods),
    Entry("delegations", _("Delegations"), _kinds(ENTERPRISE, BROKER)),
    Entry("agent_relations", _("Agent relations"), _kinds(ENTERPRISE)),
    Entry("vessels:list", _("Vessels"), _kinds(OrganisationKind.SHIP_AGENCY, AGENCY)),
    Entry("licences", _("Licences"), _licences, "nav-licences"),
    Entry("licence_applications", _("Licence applications"), _agencies(Agency.COMMERCE), "nav-licence-applications"),
    Entry("ecommerce:home", _("Cross-border e-commerce"), _ecommerce, "nav-ecommerce"),
    Entry("declarations:hs", _("HS nomenclature"), _everyone),
    Entry("credit:public", _("Enterprise credit"), _everyone),
    Entry("credit:conduct", _("Prohibited conduct"), _everyone, "nav-conduct"),
    Entry("qualification_review", _("Qualification review"), _officer, "nav-qualification-review"),
    Entry("credit:appeals", _("Objections and repairs"), _kinds(AGENCY)),
    Entry("credit:commitments", _("Credit commitments"), _kinds(AGENCY), "nav-commitments"),
    Entry("credit:records", _("Credit records"), _kinds(AGENCY), "nav-credit-records"),
    Entry("credit:spot_checks", _("Spot checks"), _officer, "nav-spot-checks"),
    Entry("approvals:list", _("Parallel approvals"), _kinds(ENTERPRISE, AGENCY)),
    Entry("approvals:warnings", _("Approval performance"), _platform_administrator),
    Entry("organisation", _("Organisation"), _everyone),
    Entry("elicence", _("Electronic licence"), _kinds(*FIRM_KINDS)),
    Entry("api-docs", _("API"), _everyone),
)


def menu_entries(user: User, *, broker_has_clients: bool = False) -> list[Entry]:
    """The header menu's links for this user, in their order."""
    viewer = _viewer(user, broker_has_clients=broker_has_clients)
    return [entry for entry in ENTRIES if entry.offered(viewer)]


# Where each agency's officers work: what it is sent (goods or vessel declarations, licence applications)
# or, for a local government department, the parallel approvals it reviews. Any other: its notifications.
AGENCY_LANDING: dict[str, str] = {
    Agency.CUSTOMS: "declarations:list",
    Agency.INSPECTION: "declarations:list",
    Agency.MARITIME: "vessels:list",
    Agency.BORDER: "vessels:list",
    Agency.COMMERCE: "licence_applications",
    Agency.LOCAL: "approvals:list",
}


def landing_page(user: User) -> str:
    """The URL name of the page the user works on, where "/" and logging in send them."""
    viewer = _viewer(user)
    if user.is_staff and (viewer.kind in ("", OrganisationKind.PLATFORM) or user.role == Role.ADMIN):
        return "admin:index"
    if viewer.kind == OrganisationKind.AGENCY:
        return AGENCY_LANDING.get(viewer.agency, "notifications")
    if viewer.kind == OrganisationKind.SHIP_AGENCY:
        return "vessels:list"
    if viewer.kind == OrganisationKind.ENTERPRISE and viewer.cbec_party:
        return "ecommerce:home"
    if viewer.kind in FIRM_KINDS:
        return "declarations:list"
    return "notifications"  # an operator's user without the admin site, or a user of no organisation
