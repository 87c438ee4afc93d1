"""The API's parsers. JSON: DRF's, refusing bodies nested deeper than any request needs (a 5,000-deep
array would otherwise exhaust Python's recursion while parsing or validating: a 500), and text with
control characters (XML, which every agency message and export is, cannot hold them). Forms and multipart
bodies: DRF's, refusing text fields with control characters the same way."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

MAX_DEPTH = 32  # a declaration is four levels deep
STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
NOT_BRACKET = re.compile(rb"[^\[\]{}]")
CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
)  # XML 1.0 refuses these (tab, LF, CR are fine)


def nesting_depth(data: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    brackets = NOT_BRACKET.sub(b"", STRING.sub(b"", data))
    depth = deepest = 0
    for char in brackets:
        if char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        data = stream.read()
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(_("JSON parse error - nested more than %(n)d levels deep.") % {"n": MAX_DEPTH})
        try:
            parsed = super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deep.")) from None
        except ParseError as error:  # DRF's message is not translated; the decoder's reason (where) is kept
            if error.__context__ is None:
                raise
            reason = str(error.__context__)
            raise ParseError(_("JSON parse error - %(reason)s") % {"reason": reason}) from None
        if has_control_characters(parsed):
            raise ParseError(_("JSON parse error - text holds control characters."))
        return parsed


def has_control_characters(value: Any) -> bool:
    """Whether any string in a parsed JSON value (keys too) holds a control character."""
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_control_characters(item) for item in value)
    return False


def _refuse_control_characters(data: Any) -> None:
    """Form fields (not uploaded files) holding control characters are refused like JSON text."""
    for key, values in data.lists():
        if CONTROL.search(key) or any(isinstance(v, str) and CONTROL.search(v) for v in values):
            raise ParseError(_("Form parse error - text holds control characters."))


class CleanFormParser(FormParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_control_characters(parsed)
        return parsed


class CleanMultiPartParser(MultiPartParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_control_characters(parsed.data)
        return parsed
