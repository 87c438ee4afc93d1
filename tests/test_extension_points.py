"""The spine's extension points (declarations/registry.py) carry a kind of filing the spine has never
heard of — tests/plugin's "sample", registered from its AppConfig.ready() — from freeze to a status
decided by an agency, with no line of the spine changed; and a second registration of a key is refused."""

from __future__ import annotations

import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse

from declarations import pipeline, registry
from declarations.checks import registry_check, registry_listing
from declarations.models import Declaration, Delivery, Event
from declarations.timeline import timeline_for
from singlewindow import notification_kinds
from singlewindow.models import AuditEntry
from tests.plugin import filing

from . import factories
from .processes import Simulator, Worker, wait_until


def test_the_system_check_lists_what_is_registered_and_finds_nothing_wrong() -> None:
    assert [m for m in registry_check(None) if isinstance(m, Error)] == []
    listing = registry_listing(None)[0].msg
    for registered in ("vessels.manifest", "licensing.inspection_registration", "licensing.licence_issue",
                       "test_plugin.recorder", "customs (goods, vessel, cbec)", "border (vessel)", "commerce (licapp)"):  # fmt: skip
        assert registered in listing
    [categories] = [part for part in listing.split(";") if part.strip().startswith("categories:")]
    assert {"goods", "vessel", "licapp", "sample"} <= {c.strip() for c in categories.split(":", 1)[1].split(",")}


def test_the_check_names_a_rule_for_a_category_nobody_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    stray = registry.Rule(key="test.stray", category="nobody", check=lambda subject, found: [])
    registered = registry.rules()
    monkeypatch.setattr(registry, "rules", lambda: [*registered, stray])
    assert [m.msg for m in registry_check(None) if isinstance(m, Error)] == [
        "rule 'test.stray' is for category 'nobody', not registered"
    ]


@pytest.mark.parametrize(
    ("register", "again"),
    [
        (registry.register_category, filing.CATEGORY),
        (registry.register_rule, filing.RULE),
        (registry.register_listener, filing.LISTENER),
        (notification_kinds.register, notification_kinds.registered()[0]),
    ],
)
def test_a_second_registration_of_a_key_is_refused(register, again) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        register(again)


def test_registering_after_start_up_is_refused() -> None:
    late = registry.Listener(key="test.late", on_freeze=lambda declaration, version: None)
    with pytest.raises(ImproperlyConfigured, match=r"AppConfig\.ready\(\)"):
        registry.register_listener(late)
    assert "test.late" not in [listener.key for listener in registry.listeners()]


@pytest.mark.django_db
def test_the_category_s_own_rule_runs_in_validation_and_its_number_is_its_own() -> None:
    declaration = Declaration.objects.create(
        owner=factories.clerk().organisation, created_by=factories.clerk(), category=filing.SAMPLE, direction="import"
    )
    problems = pipeline.rule_problems(declaration=declaration, rows={"notes": []}, agencies=("customs",))
    assert [(p.field, p.code) for p in problems] == [("notes", "required")]
    assert pipeline.rule_problems(declaration=declaration, rows={"notes": ["x"]}, agencies=("customs",)) == []
    assert filing.number(declaration).startswith("SAMPLE") and len(filing.number(declaration)) == 18


@pytest.mark.integration
def test_a_category_registered_by_another_app_files_fans_out_and_is_released(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    clerk = factories.clerk()
    declaration = Declaration.objects.create(
        owner=clerk.organisation, created_by=clerk, category=filing.SAMPLE, direction="import"
    )
    with transaction.atomic():
        pipeline.declaration_lock(declaration)
        pipeline.require_draft(declaration)
        version = pipeline.declaration_freeze(
            declaration=declaration, user=clerk, payload={"category": filing.SAMPLE, "direction": "import",
                                                          "notes": ["仅供测试"]},
        )  # fmt: skip
    assert declaration.pre_entry_no.startswith("SAMPLE")
    assert version.agencies == ["customs"]
    assert (declaration.pk, 1) in filing.frozen  # told on freeze, in the freezing transaction

    wait_until(lambda: Declaration.objects.get(pk=declaration.pk).status == "released", timeout=60, what="the release")
    branch = Delivery.objects.get(version=version)
    assert (branch.agency, branch.status) == ("customs", "delivered")
    assert Event.objects.filter(declaration=declaration, agency="customs", kind="released").exists()
    timeline = timeline_for(Declaration.objects.get(pk=declaration.pk))
    assert timeline is not None and timeline.released and timeline.waiting_for == []
    # The listener was told of the change in the worker that recorded the receipts: it left its trace.
    assert AuditEntry.objects.filter(
        action="test_plugin.status_changed", object_id=str(declaration.pk), after__status="released"
    ).exists()
    assert reverse(registry.category(filing.SAMPLE).detail_url, args=[declaration.pk])
