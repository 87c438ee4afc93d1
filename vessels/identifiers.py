"""Ship and port identifiers, checked the way the agencies check them.

Each check returns None when the value passes or the localised reason it does not, like the format
checks in `declarations.validation`, so forms, the API and the list imports share them.
Ports are looked up in the platform's UN/LOCODE code list (`declarations.codelists`), the same list
a goods declaration's ports are checked against.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from stdnum import imo

from declarations import codelists
from declarations.choices import CodeList

_MMSI = re.compile(r"[2-7][0-9]{8}")  # ships' MMSIs start with a maritime identification digit 2-7
_CALL_SIGN = re.compile(r"[A-Z0-9]{3,7}")


def normalise_imo(value: str) -> str:
    """The seven digits of an IMO ship number written as '9074729', 'IMO 9074729' or 'imo9074729'."""
    return imo.compact(value)


def imo_problem(value: str) -> str | None:
    """IMO ship identification number: seven digits, the last a check digit (weights 7…2, mod 10)."""
    if imo.is_valid(value):
        return None
    return _("Not a valid IMO ship number (7 digits, the last a check digit).")


def mmsi_problem(value: str) -> str | None:
    if _MMSI.fullmatch(value.strip()):
        return None
    return _("An MMSI has 9 digits and starts with 2 to 7.")


def call_sign_problem(value: str) -> str | None:
    if _CALL_SIGN.fullmatch(value.strip().upper()):
        return None
    return _("A call sign has 3 to 7 letters or digits.")


def port_problem(code: str) -> str | None:
    """A port in the UN/LOCODE code list, e.g. CNSHA."""
    if codelists.is_known(CodeList.PORTS, code):
        return None
    return _("%(code)s is not a known port (UN/LOCODE).") % {"code": code}
