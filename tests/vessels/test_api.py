"""The vessel declaration through the API: the same rules as the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from declarations.models import Declaration
from vessels.examples import example_call, example_crew_csv

from .. import factories
from ..clients import api

pytestmark = pytest.mark.django_db


def test_a_ship_agent_files_imports_the_crew_and_submits_through_the_api(db: None) -> None:
    agent = factories.ship_agent()
    call = {k: str(v) for k, v in example_call().items()}
    created = api(agent).post("/api/v1/vessels/", {"direction": "export", "general": call}, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/vessels/{created.json()['id']}"
    assert api(agent).post(f"{url}/submit/").json()["errors"][0]["field"] == "crew"

    csv = example_crew_csv(12, on=timezone.localdate())
    imported = api(agent).post(f"{url}/import/crew/", {"file": SimpleUploadedFile("crew.csv", csv)}, format="multipart")
    assert imported.json() == {"imported": 12}
    submitted = api(agent).post(f"{url}/submit/")
    assert submitted.status_code == 201
    assert len(api(agent).get(f"{url}/").json()["crew"]) == 12

    factories.delivered(Declaration.objects.get(pk=created.json()["id"]))
    officer = factories.officer("border")
    seen = api(officer).get(f"{url}/").json()
    assert seen["general"]["imo_number"] == "9321483" and len(seen["crew"]) == 12
    assert api(factories.ship_agent()).get(f"{url}/").status_code == 404
    assert api(factories.clerk()).get(f"{url}/").status_code == 404
    assert api(factories.officer("port")).get(f"{url}/").status_code == 404  # not routed to the port authority
