"""Reading PDFs in tests (pypdf, a dev dependency): the fonts a PDF embeds and its text."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream


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


def _to_unicode(font: Any) -> dict[int, str]:
    """Code → text from a font's ToUnicode CMap (bfchar and bfrange entries)."""
    out: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return out
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, start in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int(start, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(first + i)
    return out


def pdf_text(data: bytes) -> str:
    """The text of every page, without white space, decoded through each font's ToUnicode
    CMap as a reader does. (pypdf's own extract_text misreads fpdf2's embedded encoding
    CMap of a CID-keyed CFF font such as Noto Sans CJK: poppler's pdftotext reads it.)"""
    reader = PdfReader(io.BytesIO(data))
    parts: list[str] = []
    for page in reader.pages:
        fonts = {name: font.get_object() for name, font in page["/Resources"]["/Font"].items()}
        maps = {name: _to_unicode(font) for name, font in fonts.items()}
        two_byte = {name: font["/Subtype"] == "/Type0" for name, font in fonts.items()}
        current = ""
        content = ContentStream(page.get_contents(), reader)
        for operands, operator in content.operations:
            if operator == b"Tf":
                current = str(operands[0])
                continue
            if operator in (b"Tj", b"'", b'"'):
                strings = [operands[-1]]
            elif operator == b"TJ":
                strings = [o for o in operands[0] if not isinstance(o, int | float)]
                strings = [o for o in strings if hasattr(o, "original_bytes")]
            else:
                continue
            for s in strings:
                raw = s.original_bytes if hasattr(s, "original_bytes") else bytes(s)
                if two_byte.get(current):
                    codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                    parts.append("".join(maps[current].get(c, "") for c in codes))
                else:
                    parts.append(raw.decode("latin-1"))
    return "".join("".join(parts).split())
