"""A declaration's history names every action recorded on it: the spine's own and those another app
registered (a vessel declaration's port clearance), not "Other change" for the latter."""

from __future__ import annotations

import pytest
from django.utils import translation

from declarations.choices import DeclarationAction
from declarations.history import declaration_history_rows
from singlewindow.services import audit_record
from vessels.choices import VesselAction

from .. import factories

pytestmark = pytest.mark.django_db


def test_an_action_another_app_records_on_a_declaration_is_named_in_its_history() -> None:
    user = factories.clerk()
    declaration = factories.valid_draft(user)
    for action in (DeclarationAction.SUBMITTED, VesselAction.PORT_CLEARANCE_ISSUED, "someone.unknown"):
        audit_record(actor=user, action=action, obj=declaration, after={})
    with translation.override("zh-hans"):
        shown = {row.entry.action: row.what for row in declaration_history_rows(declaration=declaration)}
    assert shown["vessel.port_clearance_issued"] == "出口岸许可证已签发"
    assert shown["declaration.submitted"] == "已申报"
    assert shown["someone.unknown"] == "其他变更"
