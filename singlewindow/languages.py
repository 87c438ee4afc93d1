"""Texts the data holds in both languages (a department's name, a port's, a conduct item's title): the one
the reader reads."""

from __future__ import annotations

from django.utils.translation import get_language


def reading_chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def in_reader_language(chinese: str, english: str) -> str:
    """The reader's language's text; the other where that one is empty."""
    return (chinese or english) if reading_chinese() else (english or chinese)
