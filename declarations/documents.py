"""What an uploaded file really is, read from its content: PDF, JPEG or PNG, or refused."""

from __future__ import annotations

import io
import logging

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

log = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"


def sniff(data: bytes) -> str | None:
    """The content type if the bytes are a readable PDF, JPEG or PNG; None otherwise."""
    if data.startswith(b"%PDF-"):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            return PDF if len(reader.pages) >= 1 else None
        except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
            return None
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return {"PNG": PNG, "JPEG": JPEG}.get(image.format or "")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            return None
    return None
