"""Reading PDFs in tests (pypdf, a dev dependency): the fonts a PDF embeds and its text."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader


def pdf_fonts(data: bytes) -> dict[str, Any]:
    """BaseFont name → font dictionary, over every page."""
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, Any] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def pdf_embeds_font(data: bytes, face: str = "NotoSansCJK") -> bool:
    """Whether every font of the PDF is an embedded subset of ``face``."""
    fonts = pdf_fonts(data)
    if not fonts:
        return False
    for name, font in fonts.items():
        if face not in name or name[7:8] != "+":
            return False
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        if "/FontFile3" not in descriptor and "/FontFile2" not in descriptor:
            return False
    return True


def pdf_text(data: bytes) -> str:
    """The text of every page without white space. pypdf reads fpdf2's CID encoding of a
    CFF font one byte at a time and puts a NUL before each character: those are dropped."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(p.extract_text().replace("\x00", "").split()) for p in reader.pages)
