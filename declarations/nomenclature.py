"""The HS nomenclature held in memory for searching by code, Chinese goods name or English words.

~7,000 codes with their English and Chinese descriptions, the curated goods names (俗名/常用品名, e.g. 电脑 →
8471.30/41/49, in `reference/hs/goods-aliases.csv`) and the section names are loaded once per process and
kept until they change like the code lists (`refcache.py`): a Chinese substring search scans them in Python,
since PostgreSQL's trigram indexes ignore CJK under the C collation. Chinese descriptions cover the sections,
chapters, most headings and the common subheadings (`reference/hs/README.md`); a code without one is shown
with its heading's Chinese and its own English.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import get_language

from . import refcache

HS_DIR = Path(__file__).resolve().parent / "reference" / "hs"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@dataclass(frozen=True)
class Entry:
    code: str
    level: int
    description: str
    description_zh: str
    parent: str
    section: str


@dataclass
class Index:
    entries: dict[str, Entry]
    ordered: list[Entry]  # by code: a chapter, its headings, each heading's subheadings
    children: dict[str, list[str]]  # heading → its subheadings
    aliases: dict[str, tuple[str, ...]]  # lower-cased goods name → codes
    sections: dict[str, tuple[str, str]]  # roman numeral → (English, Chinese)
    text: str = ""  # every entry's lower-cased English and Chinese, one after another, searched with str.find
    starts: list[int] = field(default_factory=list)  # where each entry of `ordered` begins in `text`


def _load() -> Index:
    from .models import HSCode

    rows = HSCode.objects.order_by("code").values_list(
        "code", "level", "description", "description_zh", "parent", "section"
    )
    ordered = [Entry(*row) for row in rows]
    entries = {e.code: e for e in ordered}
    children: dict[str, list[str]] = {}
    for e in ordered:
        if e.level == 6:
            children.setdefault(e.code[:4], []).append(e.code)
    aliases: dict[str, tuple[str, ...]] = {}
    with open(HS_DIR / "goods-aliases.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            aliases[row["alias"].strip().lower()] = tuple(row["codes"].split())
    sections: dict[str, tuple[str, str]] = {}
    with open(HS_DIR / "hs-sections.csv", encoding="utf-8-sig") as f:
        english = {row["section"]: row["name"] for row in csv.DictReader(f)}
    with open(HS_DIR / "hs-sections-zh.csv", encoding="utf-8") as f:
        zh = {row["section"]: row["name_zh"] for row in csv.DictReader(f)}
    sections = {numeral: (name, zh.get(numeral, "")) for numeral, name in english.items()}
    starts, parts, position = [], [], 0
    for e in ordered:
        part = f"{e.description.lower()}\x00{e.description_zh}\x00"
        starts.append(position)
        parts.append(part)
        position += len(part)
    text = "".join(parts)
    return Index(
        entries=entries,
        ordered=ordered,
        children=children,
        aliases=aliases,
        sections=sections,
        text=text,
        starts=starts,
    )


def index() -> Index:
    return refcache.held("nomenclature", _load)


def label(code: str) -> str:
    """The description of a code (its first six digits) in the active language; '' when unknown. In
    Chinese, a code without a Chinese description shows its heading's Chinese before its own English."""
    entries = index().entries
    entry = entries.get(code[:6]) if len(code) >= 6 else entries.get(code)
    if entry is None:
        return ""
    return _label(entry, entries)


def _label(entry: Entry, entries: dict[str, Entry]) -> str:
    if not chinese():
        return entry.description
    if entry.description_zh:
        return entry.description_zh
    heading = entries.get(entry.code[:4]) if entry.level == 6 else None
    if heading is not None and heading.description_zh:
        return f"{heading.description_zh}：{entry.description}"
    return entry.description


def is_subheading(code: str) -> bool:
    entry = index().entries.get(code[:6])
    return entry is not None and entry.level == 6


@dataclass(frozen=True)
class Match:
    """One line of the search's answer: a code of the nomenclature, or (declared set) a goods name the
    firm declared before with the commodity code it used."""

    code: str
    level: int
    description: str
    description_zh: str
    parent: str
    section: str
    label: str
    declared: str = ""


def as_match(entry: Entry, entries: dict[str, Entry]) -> Match:
    return Match(
        code=entry.code,
        level=entry.level,
        description=entry.description,
        description_zh=entry.description_zh,
        parent=entry.parent,
        section=entry.section,
        label=_label(entry, entries),
    )


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text))


def digits_of(query: str) -> str:
    """The code typed, without the dots and spaces people write it with ('8471.30' → '847130'); '' when
    the query is not a code."""
    digits = query.replace(".", "").replace(" ", "")
    return digits if digits.isdigit() else ""


def search(*, query: str, limit: int = 20, context: bool = False) -> list[Match]:
    """Codes for what was typed: digits → the codes they begin; a goods name or words → exact goods names
    first, then goods names containing the query (Chinese), then descriptions with every word (Chinese or
    English), subheadings before headings before chapters. Subheadings only, unless context: then the
    headings and chapters found are listed too, each heading followed by its subheadings."""
    query = query.strip()
    if not query:
        return []
    ix = index()
    digits = digits_of(query)
    if digits:
        found: Iterable[Entry] = (e for e in ix.ordered if e.code.startswith(digits[:6]))
        return _answer(found, ix, limit, context)
    lowered = query.lower()
    words = lowered.split()[:5]
    groups: list[str] = []
    groups.extend(ix.aliases.get(lowered, ()))
    if has_chinese(query):
        for alias, codes in ix.aliases.items():
            if alias != lowered and (lowered in alias or (len(alias) >= 2 and has_chinese(alias) and alias in lowered)):
                groups.extend(codes)
    described = _described(ix, words)
    for level in (6, 4, 2):
        groups.extend(e.code for e in described if e.level == level)
    return _answer(_expand(groups, ix), ix, limit, context)


def _described(ix: Index, words: list[str]) -> list[Entry]:
    """The entries whose English or Chinese description has every word: the first word is found in the
    whole text at C speed, the others checked on what it found."""
    found: list[Entry] = []
    first, rest = words[0], words[1:]
    position = ix.text.find(first)
    while position != -1:
        i = bisect_right(ix.starts, position) - 1
        entry = ix.ordered[i]
        end = ix.starts[i + 1] if i + 1 < len(ix.starts) else len(ix.text)
        if all(w in ix.text[ix.starts[i] : end] for w in rest):
            found.append(entry)
        position = ix.text.find(first, end)
    return found


def _expand(codes: Iterable[str], ix: Index) -> Iterable[Entry]:
    """Each code's entry, a heading followed by its subheadings; a chapter stays itself."""
    for code in codes:
        entry = ix.entries.get(code)
        if entry is None:
            continue
        yield entry
        if entry.level == 4:
            yield from (ix.entries[c] for c in ix.children.get(code, ()))


def _answer(found: Iterable[Entry], ix: Index, limit: int, context: bool) -> list[Match]:
    answer: list[Match] = []
    seen: set[str] = set()
    for entry in found:
        if entry.code in seen or (entry.level != 6 and not context):
            continue
        seen.add(entry.code)
        answer.append(as_match(entry, ix.entries))
        if len(answer) >= limit:
            break
    return answer


def chapters_by_section() -> list[tuple[str, str, list[Match]]]:
    """The 21 sections in order, each with its name in the active language and its chapters."""
    ix = index()
    by_section: dict[str, list[Match]] = {}
    for entry in ix.ordered:
        if entry.level == 2:
            by_section.setdefault(entry.section, []).append(as_match(entry, ix.entries))
    zh = chinese()
    return [
        (numeral, (names[1] or names[0]) if zh else names[0], by_section.get(numeral, []))
        for numeral, names in ix.sections.items()
    ]
