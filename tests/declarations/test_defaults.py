"""Each fact typed once: the defaults the form fills name real fields and real codes, the form carries
them, and the firm types at most half of what the agencies receive."""

from __future__ import annotations

import json

import pytest

from agencies.dataitems import data_items
from declarations import codelists
from declarations.defaults import ABOVE, DEFAULTS
from declarations.fields import BY_KEY
from declarations.forms import header_form_class, line_formset_class

from .. import factories
from ..clients import web


def test_every_default_names_fields_of_the_one_table_and_codes_that_exist(db: None) -> None:
    for key, rules in DEFAULTS.items():
        spec = BY_KEY[key]
        for rule in rules:
            sources = [s for s in (rule.source, *(rule.product or ()), *(rule.when_same or ())) if s and s != ABOVE]
            assert all(source in BY_KEY for source in sources), key
            # A default on a line may read the header or its own line; a header field only the header.
            assert spec.section == "line" or all(s.startswith("header.") for s in sources), key
            if rule.mapping:
                source = BY_KEY[rule.source]
                for given, taken in rule.mapping:
                    assert codelists.name(str(source.reference), given), (key, given)
                    assert codelists.name(str(spec.reference), taken), (key, taken)
            if rule.value and spec.reference:
                assert codelists.name(spec.reference, rule.value), (key, rule.value)


def test_the_form_carries_each_fields_rules() -> None:
    header = header_form_class("both")()
    rules = json.loads(header.fields["levy_nature"].widget.attrs["data-default"])
    assert rules == [{"source": "header.trade_mode", "mapping": dict(DEFAULTS["header.levy_nature"][0].mapping)}]
    line = line_formset_class("both")(prefix="lines").empty_form
    assert json.loads(line.fields["total_price"].widget.attrs["data-default"]) == [
        {"product": ["line.declared_quantity", "line.unit_price"]}
    ]
    assert "data-default" not in line.fields["hs_code"].widget.attrs


def test_the_firm_types_at_most_half_of_what_the_agencies_receive() -> None:
    report = data_items()
    assert len(report.typed) / report.delivered <= 0.5
    assert "line.total_price" in report.defaulted and "line.total_price" not in report.typed
    assert "line.purpose" in report.typed  # repeated from the line above: still typed once


@pytest.mark.django_db
def test_the_required_mark_follows_the_direction() -> None:
    clerk = factories.clerk()
    declaration = factories.valid_draft(clerk, documents=False)
    page = web(clerk).get(f"/declarations/{declaration.pk}/edit/").content.decode()
    assert 'data-direction="import"' in page
    assert 'data-when="export"' in page and 'data-when="import"' in page  # hidden by the stylesheet per direction
