"""File downloads every app shares."""

from __future__ import annotations

from django.http import HttpResponse

# Excel opens a CSV file as UTF-8 only when it starts with a byte-order mark; without it,
# Chinese names arrive as mojibake (it guesses the machine's ANSI code page).
UTF8_BOM = "\ufeff"


def csv_response(text: str, filename: str) -> HttpResponse:
    """A CSV download that Excel opens correctly with Chinese text (UTF-8 with a BOM)."""
    body = text if text.startswith(UTF8_BOM) else UTF8_BOM + text
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An Excel workbook download."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
