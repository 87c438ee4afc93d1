"""The edit page as the clerk uses it: changing the target, values it cannot read, removing a document."""

from __future__ import annotations

import pytest
from django.test import Client

from declarations.models import Declaration
from singlewindow.models import User

from .. import factories
from .test_pages import form_data

pytestmark = pytest.mark.django_db


def test_changing_the_target_and_submitting_in_one_step_only_saves_and_says_what_left_the_form(
    client_a: Client, user_a: User
) -> None:
    declaration = factories.valid_draft(user_a)  # customs and inspection; line 1's purpose "11"
    response = client_a.post(
        f"/declarations/{declaration.pk}/edit/", form_data(declaration, target="customs", action="submit")
    )
    assert response.status_code == 302 and response["Location"] == f"/declarations/{declaration.pk}/edit/"
    declaration.refresh_from_db()
    assert declaration.status == "draft" and declaration.target == "customs"  # saved, not submitted
    page = client_a.get(response["Location"]).content.decode()
    assert 'name="inspection_authority"' not in page  # the form for the new target
    assert "商品项 1 · 用途" in page  # named as no longer declared
    assert "仅海关" in page

    # Once looked at, submitting goes through.
    assert (
        client_a.post(f"/declarations/{declaration.pk}/edit/", form_data(declaration, action="submit")).status_code
        == 302
    )
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"


@pytest.mark.parametrize(
    ("changes", "where", "anchor"),
    [
        ({"direction": ""}, "进出口类型", 'href="#id_direction"'),
        ({"packages": "-3"}, "确保该值大于或等于0", 'href="#id_packages"'),
        ({"lines-0-declared_quantity": "many"}, "商品项 1 · ", 'href="#id_lines-0-declared_quantity"'),
    ],
)
def test_unreadable_values_are_listed_at_the_top_with_links(
    client_a: Client, user_a: User, changes: dict[str, str], where: str, anchor: str
) -> None:
    declaration = factories.valid_draft(user_a)
    response = client_a.post(f"/declarations/{declaration.pk}/edit/", form_data(declaration, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="problems"') : page.index("</section>", page.index('id="problems"'))]
    assert anchor in summary and where in summary


def test_removing_a_document_asks_first_and_works_without_javascript(client_a: Client, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    invoice = declaration.documents.get(kind="invoice")
    page = client_a.get(f"/declarations/{declaration.pk}/edit/").content.decode()
    remove = f'action="/declarations/{declaration.pk}/documents/{invoice.pk}/remove/"'
    assert remove in page  # a plain form: it posts without JavaScript
    form = page[page.index(remove) : page.index("</form>", page.index(remove))]
    assert "data-confirm=" in form and invoice.original_name in form
    assert client_a.post(f"/declarations/{declaration.pk}/documents/{invoice.pk}/remove/").status_code == 302
    assert not declaration.documents.filter(pk=invoice.pk).exists()
