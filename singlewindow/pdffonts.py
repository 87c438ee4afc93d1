"""Compact CJK fonts in WeasyPrint's PDFs: a finisher that drops the empty glyphs WeasyPrint keeps.

WeasyPrint subsets each font but keeps every glyph id up to the last one used (HarfBuzz's
RETAIN_GIDS), since it writes text as glyph ids. Noto CJK's simplified Chinese glyphs sit near the
end of its 65,535, so each face used keeps some 60,000 empty glyphs: about 140 KB per face in the
PDF. In a PDF, a CID-keyed CFF font (Noto CJK is one) is addressed by CID, not by glyph id, and
HarfBuzz keeps each glyph's CID in the charset when it renumbers them. So this finisher subsets each
such font again to the glyphs the page uses and embeds the bare CFF (FontFile3 /CIDFontType0C), the
way Acrobat embeds CJK subsets; the text, widths and ToUnicode map stay as they are. Fonts of any
other kind are left alone, as is everything when libharfbuzz-subset is missing.

Pass `compact_cid_fonts` as `finisher=` to `weasyprint.HTML.write_pdf`.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from typing import Any

from cffi import FFI
from fontTools.cffLib import CFFFontSet

log = logging.getLogger(__name__)

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data, void *destroy);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_table(const hb_face_t *face, hb_tag_t tag);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_DUPLICATE = 0  # HB_MEMORY_MODE_DUPLICATE: HarfBuzz copies the bytes it is given
_NO_HINTING = 1 << 0
_DESUBROUTINIZE = 1 << 2
_CFF = int.from_bytes(b"CFF ", "big")


@cache
def _harfbuzz() -> tuple[FFI, Any, Any] | None:
    ffi = FFI()
    ffi.cdef(_CDEF)
    try:
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        log.warning("libharfbuzz-subset is missing: PDFs keep WeasyPrint's large CJK font subsets")
        return None


def subset_cff(font: bytes, glyphs: set[int]) -> bytes | None:
    """The bare CFF table of `font` (an OpenType font) keeping only `glyphs`, or None."""
    harfbuzz = _harfbuzz()
    if harfbuzz is None:
        return None
    ffi, hb, hb_subset = harfbuzz
    blob = hb.hb_blob_create(font, len(font), _DUPLICATE, ffi.NULL, ffi.NULL)
    face = hb.hb_face_create(blob, 0)
    request = hb_subset.hb_subset_input_create_or_fail()
    try:
        glyph_set = hb_subset.hb_subset_input_glyph_set(request)
        for glyph in sorted(glyphs | {0}):
            hb.hb_set_add(glyph_set, glyph)
        hb_subset.hb_subset_input_set_flags(request, _NO_HINTING | _DESUBROUTINIZE)
        subset = hb_subset.hb_subset_or_fail(face, request)
        if subset == ffi.NULL:
            return None
        table = hb.hb_face_reference_table(subset, _CFF)
        length = ffi.new("unsigned int *")
        data = bytes(ffi.buffer(hb.hb_blob_get_data(table, length), length[0]))
        hb.hb_blob_destroy(table)
        hb.hb_face_destroy(subset)
        return data or None
    finally:
        hb_subset.hb_subset_input_destroy(request)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _cid_keyed(cff: bytes) -> bool:
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    return "ROS" in fonts.topDictIndex[0].rawDict


def _object(pdf: Any, reference: Any) -> Any:
    return pdf.objects[int(bytes(reference).split()[0])]


def _used_cids(widths: Any) -> set[int]:
    """The CIDs a CIDFont's /W array gives widths for (WeasyPrint writes `first [w1 w2 …]` runs)."""
    cids: set[int] = set()
    for first, run in zip(widths[::2], widths[1::2], strict=True):
        cids.update(range(first, first + len(run)))
    return cids


def compact_cid_fonts(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: embed each CID-keyed CFF font with only the glyphs the PDF uses."""
    used: dict[int, set[int]] = {}
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Subtype") == "/CIDFontType0" and "W" in obj:
            descriptor = _object(pdf, obj["FontDescriptor"])
            if "FontFile3" in descriptor:
                stream = int(bytes(descriptor["FontFile3"]).split()[0])
                used.setdefault(stream, set()).update(_used_cids(obj["W"]))
    for number, cids in used.items():
        stream = pdf.objects[number]
        if stream.extra.get("Subtype") != "/OpenType":
            continue
        cff = subset_cff(b"".join(stream.stream), cids)
        if cff is None or not _cid_keyed(cff):
            continue
        stream.stream = [cff]
        stream.extra["Subtype"] = "/CIDFontType0C"
