"""Yes/no settings from the environment: the usual spellings are read, anything else is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from singlewindow.settings import env_bool

NAME = "SINGLEWINDOW_TEST_FLAG"


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON", " on "])
def test_true_spellings_are_true(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "FALSE", "no", "No", "off", "OFF", " off "])
def test_false_spellings_are_false(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_unset_or_empty_means_the_default(monkeypatch: pytest.MonkeyPatch, default: bool) -> None:
    monkeypatch.delenv(NAME, raising=False)
    assert env_bool(NAME, default) is default
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, default) is default
    monkeypatch.setenv(NAME, "  ")
    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("value", ["ture", "2", "-1", "y", "n", "enabled", "disable", "yes please", "0n"])
def test_anything_else_is_refused_naming_the_variable_and_the_accepted_values(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(NAME, value)
    for default in (True, False):
        with pytest.raises(ImproperlyConfigured) as refused:
            env_bool(NAME, default)
        message = str(refused.value)
        assert NAME in message and repr(value) in message
        assert all(word in message for word in ("1/0", "true/false", "yes/no", "on/off"))
