"""The pages: scoped to the organisation, and constant in their number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from declarations import services
from declarations.models import Declaration
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def form_data(declaration: Declaration, **changes: str) -> dict[str, str]:
    """What the edit page posts for a stored declaration."""
    from declarations.forms import edit_forms

    header, lines, containers = edit_forms(declaration)
    data: dict[str, str] = {}
    for form in (header, *lines.forms, *containers.forms):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else str(value)
    for formset in (lines, containers):
        for field in formset.management_form:
            data[field.html_name] = str(field.value())
    data.update(changes)
    return data


def test_list_shows_own_declarations_and_not_others(client_a: Client, user_a: User, user_b: User) -> None:
    mine = services.declaration_create(user=user_a)
    theirs = services.declaration_create(user=user_b)
    page = client_a.get("/declarations/").content.decode()
    assert f"/declarations/{mine.pk}/edit/" in page
    assert f"/declarations/{theirs.pk}/" not in page


@pytest.mark.parametrize("path", ["", "edit/", "row/", "documents/1/"])
def test_another_enterprise_gets_404(client_a: Client, user_b: User, path: str) -> None:
    theirs = services.declaration_create(user=user_b)
    assert client_a.get(f"/declarations/{theirs.pk}/{path}").status_code == 404
    assert client_a.post(f"/declarations/{theirs.pk}/copy/").status_code == 404


def test_edit_page_shows_only_what_the_chosen_agencies_need(client_a: Client, user_a: User) -> None:
    both = services.declaration_create(user=user_a, target="both")
    customs = services.declaration_create(user=user_a, target="customs")
    inspection = services.declaration_create(user=user_a, target="inspection")
    assert 'name="inspection_authority"' in client_a.get(f"/declarations/{both.pk}/edit/").content.decode()
    page = client_a.get(f"/declarations/{customs.pk}/edit/").content.decode()
    assert 'name="inspection_authority"' not in page and 'name="levy_nature"' in page
    page = client_a.get(f"/declarations/{inspection.pk}/edit/").content.decode()
    assert 'name="levy_nature"' not in page and 'name="inspection_authority"' in page


def test_validate_on_the_page_shows_the_problem_next_to_the_field(client_a: Client, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    response = client_a.post(
        f"/declarations/{declaration.pk}/edit/", form_data(declaration, net_weight="5000", action="validate")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "净重不能大于毛重。" in page
    assert Declaration.objects.get(pk=declaration.pk).status == "draft"


def test_unreadable_values_save_nothing(client_a: Client, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    response = client_a.post(
        f"/declarations/{declaration.pk}/edit/",
        form_data(declaration, gross_weight="heavy", bill_of_lading="CHANGED1", action="save"),
    )
    assert response.status_code == 400
    assert Declaration.objects.get(pk=declaration.pk).bill_of_lading == "COSU6234567890"


def test_submit_on_the_page_freezes_and_redirects_to_the_detail(client_a: Client, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    response = client_a.post(f"/declarations/{declaration.pk}/edit/", form_data(declaration, action="submit"))
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == "submitted"
    assert declaration.pre_entry_no in client_a.get(response["Location"]).content.decode()


def test_inline_check_names_the_country_in_chinese(client_a: Client) -> None:
    response = client_a.get("/declarations/check/", {"field": "line.origin_country", "lines-0-origin_country": "deu"})
    assert "德国" in response.content.decode()
    response = client_a.get("/declarations/check/", {"field": "header.trade_country", "trade_country": "ZZZ"})
    assert "bad" in response.content.decode()


def test_hs_suggestions_fill_the_datalist(client_a: Client) -> None:
    page = client_a.get(
        "/declarations/hs/suggest/", {"field": "line.hs_code", "lines-0-hs_code": "847130"}
    ).content.decode()
    assert 'value="847130"' in page


def test_list_page_queries_do_not_grow_with_rows(client_a: Client, user_a: User) -> None:
    counts = []
    for _ in range(2):
        for _ in range(10):
            services.declaration_create(user=user_a)
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get("/declarations/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_organisation_page_shows_the_master_record(client_a: Client, user_a: User) -> None:
    page = client_a.get("/organisation/").content.decode()
    assert user_a.organisation.uscc in page  # type: ignore[union-attr]


@pytest.mark.parametrize(("rows", "field"), [("lines", "hs_code"), ("containers", "number")])
def test_adding_a_row_returns_the_next_numbered_form_and_the_new_total(
    client_a: Client, user_a: User, rows: str, field: str
) -> None:
    declaration = services.declaration_create(user=user_a)
    response = client_a.get(f"/declarations/{declaration.pk}/row/", {"rows": rows, f"{rows}-TOTAL_FORMS": "2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="{rows}-2-{field}"' in page
    assert f'id="id_{rows}-TOTAL_FORMS" value="3" hx-swap-oob="true"' in page
