"""The shared PDF helper: an fpdf2 document with a CJK font embedded.

The font is Noto Sans CJK (SIL Open Font License 1.1) from the ``noto-cjk-sans-otc``
package on PyPI (installed through ``noto-cjk[sans]``): it is a dependency of the project,
so a fresh machine with only Python and pip has it; nothing is looked up on the system and
nothing is downloaded at run time. The collection holds one face per region; the face is
chosen by the document's language so that Traditional Chinese prints with Hong Kong glyph
forms and Simplified Chinese with the Mainland's. Latin text prints with the same face.

fpdf2 embeds only the glyphs a document uses (a subset), so a one-page PDF stays a few
kilobytes although the collection is 19 MB.

The face is read once per process: the first document parses it (character map, widths,
metrics — the slow part of a first PDF on a busy machine), later documents get a copy of
that parsed face with their own per-document parts (the glyph subset, the font
descriptor, and a lazily opened font file that fpdf2 cuts down to the subset on output).

Usage::

    from innobridge.core.pdf import new_pdf

    pdf = new_pdf(lang="zh-hant")
    pdf.add_page()
    pdf.cell(text="繁體中文 简体中文")
    data = pdf_bytes(pdf)

The face has one weight: emphasis is by size or colour (``set_font(style="B")`` raises);
tables take ``headings_style=table_headings_style()``.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

#: The family name under which the CJK face is registered in every document.
FONT_FAMILY = "notocjk"

#: Face in the collection per UI language (PostScript names of Noto Sans CJK).
FACE_FOR_LANGUAGE = {
    "zh-hant": "NotoSansCJKhk-Regular",
    "zh-hk": "NotoSansCJKhk-Regular",
    "zh-tw": "NotoSansCJKtc-Regular",
    "zh-hans": "NotoSansCJKsc-Regular",
    "zh-cn": "NotoSansCJKsc-Regular",
}
DEFAULT_FACE = "NotoSansCJKsc-Regular"

FONT_LICENCE = "SIL Open Font License 1.1 (Noto Sans CJK, Google and Adobe)"


class PdfFontMissing(RuntimeError):
    """The font package is not installed (a broken environment: it is a dependency)."""


def cjk_font_path() -> Path:
    """The Noto Sans CJK collection shipped by the ``noto-cjk-sans-otc`` package."""
    try:
        from noto_cjk import otc_path

        path = Path(otc_path("sans"))
    except Exception as exc:  # FontNotInstalled or an import error
        raise PdfFontMissing(
            "The CJK font package is missing: install the project's dependencies (noto-cjk[sans])."
        ) from exc
    if not path.is_file():
        raise PdfFontMissing(f"The CJK font file {path} is missing.")
    return path


@lru_cache(maxsize=8)
def _face_index(path: str, postscript_name: str) -> int:
    """The index of a face in a font collection, found by its PostScript name (so a
    different order of faces in a later release of the package cannot pick the wrong one)."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(6) == postscript_name:
                return index
    finally:
        collection.close()
    raise PdfFontMissing(f"{postscript_name} is not in {path}.")


def face_for_language(lang: str | None) -> str:
    return FACE_FOR_LANGUAGE.get((lang or "").lower(), DEFAULT_FACE)


def add_cjk_font(pdf: FPDF, *, lang: str | None = None, font_path: Path | None = None) -> None:
    """Register the CJK face for ``lang`` in ``pdf`` under :data:`FONT_FAMILY` and select
    it. ``font_path`` overrides the package's collection (tests point it at a copy to
    prove nothing else is read)."""
    path = Path(font_path) if font_path is not None else cjk_font_path()
    if not path.is_file():
        raise PdfFontMissing(f"The font file {path} is missing.")
    index = 0
    if path.suffix.lower() in {".ttc", ".otc"}:
        index = _face_index(str(path), face_for_language(lang))
    _register(pdf, _parsed_face(str(path), index))
    pdf.set_font(FONT_FAMILY, size=10)


#: Faces parsed in this process, (path, face index) → fpdf2's font object (a few at most).
_PARSED: OrderedDict[tuple[str, int], TTFFont] = OrderedDict()
_PARSED_LOCK = threading.Lock()
_PARSED_MAX = 4


def _parsed_face(path: str, index: int) -> TTFFont:
    """fpdf2's parsed face of the font file, made once per process (see the module doc)."""
    key = (path, index)
    with _PARSED_LOCK:
        face = _PARSED.get(key)
        if face is None:
            from fpdf import FPDF
            from fpdf.fonts import TTFFont

            scratch = FPDF()
            scratch.add_font(FONT_FAMILY, "", path, collection_font_number=index)
            made = scratch.fonts[FONT_FAMILY]
            assert isinstance(made, TTFFont)
            _PARSED[key] = face = made
            while len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
        _PARSED.move_to_end(key)
        return face


def _register(pdf: FPDF, parsed: TTFFont) -> None:
    """Add ``parsed`` to ``pdf`` as :data:`FONT_FAMILY`: what fpdf2 only reads (character
    map, widths, metrics) is shared; what a document changes is its own — the subset of
    glyphs it uses, the font descriptor (output fills in its name and font file) and the
    font file object (output cuts it down to the subset in place)."""
    from fontTools import ttLib
    from fpdf.fonts import SubsetMap, TTFFont

    font = TTFFont.__new__(TTFFont)
    for name in TTFFont.__slots__:
        if hasattr(parsed, name):
            setattr(font, name, getattr(parsed, name))
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(
        parsed.ttffile,
        recalcTimestamp=False,
        fontNumber=parsed.collection_font_number,
        lazy=True,
    )
    font.desc = copy.copy(parsed.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[FONT_FAMILY] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")


def new_pdf(
    *,
    lang: str | None = None,
    orientation: str = "P",
    format: str = "A4",
    title: str = "",
    font_path: Path | None = None,
    **kwargs: Any,
) -> FPDF:
    """A new FPDF document with the CJK face for ``lang`` embedded and selected (size 10).

    ``lang`` is a Django language code (``en``, ``zh-hant``, ``zh-hans``); without it the
    Simplified face is used (it prints Latin and both Chinese scripts)."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format=format, **kwargs)
    add_cjk_font(pdf, lang=lang, font_path=font_path)
    if title:
        pdf.set_title(title)
    if lang:
        pdf.set_lang({"zh-hant": "zh-HK", "zh-hans": "zh-CN"}.get(lang, lang))
    pdf.set_creator("InnoBridge")
    return pdf


def table_headings_style() -> Any:
    """The style for ``pdf.table(headings_style=...)``: a grey band, no bold (the face
    has one weight; fpdf2's default bold headings would raise)."""
    from fpdf.fonts import FontFace

    return FontFace(emphasis=None, fill_color=(235, 235, 235))


def pdf_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
