"""The shared PDF helper embeds the CJK font shipped in a PyPI package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from innobridge.core import pdf as pdfmod
from tests.pdf_text import pdf_embeds_font, pdf_fonts, pdf_text


def test_the_font_comes_from_the_python_package_not_the_system() -> None:
    path = pdfmod.cjk_font_path()
    assert "noto_cjk_sans_otc" in path.parts
    assert not str(path).startswith("/usr/share")


@pytest.mark.parametrize(
    ("lang", "face"),
    [("zh-hant", "NotoSansCJKHK"), ("zh-hans", "NotoSansCJKSC"), ("en", "NotoSansCJKSC")],
)
def test_both_chinese_scripts_print_with_the_embedded_subset_font(
    tmp_path: Path, lang: str, face: str
) -> None:
    # A copy of the package's font in a fresh directory: the helper reads nothing else
    # (no system font directory), as on a machine without fonts-noto-cjk.
    font = tmp_path / "NotoSansCJK-Regular.ttc"
    shutil.copyfile(pdfmod.cjk_font_path(), font)
    doc = pdfmod.new_pdf(lang=lang, font_path=font, title="t")
    doc.add_page()
    doc.multi_cell(0, 8, "Quarterly report 繁體中文 香港資訊 简体中文 资讯网络")
    data = pdfmod.pdf_bytes(doc)
    fonts = pdf_fonts(data)
    assert len(fonts) == 1
    ((name, obj),) = fonts.items()
    # A subset (six-letter tag), the face of the language, the font program embedded.
    assert name.startswith("/") and name[7] == "+" and name.endswith(face)
    descriptor = obj["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert "繁體中文香港資訊简体中文资讯网络" in pdf_text(data)
    assert pdf_embeds_font(data, face)
    assert len(data) < 100_000  # subset, not the 19 MB collection


def test_a_missing_font_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(pdfmod.PdfFontMissing):
        pdfmod.new_pdf(font_path=tmp_path / "missing.ttf")


def test_a_face_not_in_the_collection_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(pdfmod.FACE_FOR_LANGUAGE, "xx", "NoSuchFace-Regular")
    with pytest.raises(pdfmod.PdfFontMissing):
        pdfmod.new_pdf(lang="xx")


def test_the_face_is_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two PDFs in one process: fpdf2 parses the 19 MB collection's face once; each
    document still embeds its own subset with its own text."""
    from fpdf.fonts import TTFFont

    parsed: list[int] = []
    original = TTFFont.__init__

    def counting(self: TTFFont, *args: object, **kwargs: object) -> None:
        parsed.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TTFFont, "__init__", counting)
    monkeypatch.setattr(pdfmod, "_PARSED", type(pdfmod._PARSED)())
    outputs = []
    for text in ("發票號碼 付款條款", "另一份結算單 資訊"):
        doc = pdfmod.new_pdf(lang="zh-hant")
        doc.add_page()
        doc.multi_cell(0, 8, text)
        outputs.append((text, pdfmod.pdf_bytes(doc)))
    assert len(parsed) == 1
    for text, data in outputs:
        assert text.replace(" ", "") in pdf_text(data).replace(" ", "")
        assert pdf_embeds_font(data, "NotoSansCJKHK")
    other, first = outputs[1][1], outputs[0][1]
    assert "另一份" not in pdf_text(first) and "發票" not in pdf_text(other)
    pdfmod.new_pdf(lang="zh-hans")  # another face of the collection: parsed once more
    assert len(parsed) == 2
