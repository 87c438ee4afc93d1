"""Lookups in the reference data a declaration is checked against.

Code lists and the HS nomenclature live in the database (platform administrators edit code lists; the
nomenclature's in-memory search index is `nomenclature.py`);
countries and currencies come from pycountry (ISO 3166-1 alpha-3, ISO 4217). Lookups are cached per
process until they change (`refcache.py`), so validating a declaration touches no database for its code lists.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language

from . import nomenclature, refcache
from .fields import COUNTRY, CURRENCY, HS


def invalidate() -> None:
    """Reference data was loaded, edited or deleted: every process loads it again once that commits (this one
    at once, the others within a minute)."""
    refcache.changed()


def warm() -> None:
    """Load what validating a declaration reads, before the first request waits for it (a web process's
    start, gunicorn.conf.py)."""
    from .models import CodeListEntry

    for list_name in CodeListEntry.objects.order_by().values_list("list", flat=True).distinct():
        _entries(list_name)
    mandatory_inspection_prefixes()
    nomenclature.index()


def _entries(list_name: str) -> dict[str, tuple[str, str, dict]]:
    from .models import CodeListEntry

    def load() -> dict[str, tuple[str, str, dict]]:
        rows = CodeListEntry.objects.filter(list=list_name, active=True).values_list(
            "code", "name_zh", "name_en", "flags"
        )
        return {code: (zh, en, flags) for code, zh, en, flags in rows}

    return refcache.held(f"list:{list_name}", load)


def mandatory_inspection_prefixes() -> tuple[str, ...]:
    from .models import MandatoryInspectionRule

    def load() -> tuple[str, ...]:
        return tuple(MandatoryInspectionRule.objects.filter(active=True).values_list("hs_prefix", flat=True))

    return refcache.held("mandatory", load)


@cache
def _countries() -> dict[str, str]:
    return {c.alpha_3: c.name for c in pycountry.countries}


@cache
def _currencies() -> dict[str, str]:
    return {c.alpha_3: c.name for c in pycountry.currencies}


@cache
def _iso_translation(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def is_known(reference: str, code: str) -> bool:
    if reference == COUNTRY:
        return code in _countries()
    if reference == CURRENCY:
        return code in _currencies()
    if reference == HS:
        return nomenclature.is_subheading(code)
    return code in _entries(reference)


def names(list_name: str, code: str) -> tuple[str, str] | None:
    """(Chinese, English) names of a code-list entry, for documents that show both."""
    entry = _entries(list_name).get(code)
    return (entry[0], entry[1]) if entry else None


def flags(reference: str, code: str) -> dict:
    entry = _entries(reference).get(code)
    return entry[2] if entry else {}


def name(reference: str, code: str) -> str:
    """The code's name in the active language, or '' when unknown."""
    if reference in (COUNTRY, CURRENCY):
        names = _countries() if reference == COUNTRY else _currencies()
        english = names.get(code, "")
        if english and _chinese():
            domain = "iso3166-1" if reference == COUNTRY else "iso4217"
            return _iso_translation(domain).gettext(english)
        return english
    if reference == HS:
        return nomenclature.label(code) if len(code) >= 6 else ""
    entry = _entries(reference).get(code)
    if not entry:
        return ""
    return entry[0] if _chinese() else entry[1]


def choices(reference: str) -> list[tuple[str, str]]:
    """(code, name) pairs in the active language, for datalists and the API."""
    if reference == COUNTRY:
        codes = sorted(_countries())
    elif reference == CURRENCY:
        codes = sorted(_currencies())
    elif reference == HS:
        return []
    else:
        codes = sorted(_entries(reference))
    return [(code, name(reference, code)) for code in codes]
