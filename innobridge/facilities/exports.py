"""Files the facilities app hands out: iCalendar feeds and PDF statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Booking, BookingStatus
from .selectors import Statement

CJK_FONT_CANDIDATES = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
]


def bookings_ics(bookings: Iterable[Booking], *, name: str, with_details: bool, host: str) -> bytes:
    """An iCalendar file; ``with_details`` False gives busy blocks only (no who/why)."""
    cal = Calendar()
    cal.add("prodid", "-//InnoBridge//facilities//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for b in bookings:
        ev = Event()
        ev.add("uid", f"booking-{b.pk}@{host}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", b.starts_at.astimezone(dt.UTC))
        ev.add("dtend", b.ends_at.astimezone(dt.UTC))
        if with_details:
            ev.add("summary", f"{b.resource.name} ({b.get_status_display()})")
            ev.add(
                "location",
                f"{b.resource.facility.name}, {b.resource.facility.location}".strip(", "),
            )
            ev.add("description", b.purpose or "")
            ev.add(
                "status",
                "CONFIRMED"
                if b.status in (BookingStatus.APPROVED, BookingStatus.USED)
                else "TENTATIVE",
            )
        else:
            ev.add("summary", _("Busy"))
            ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    return cal.to_ical()


def _cjk_font() -> Path | None:
    return next((p for p in CJK_FONT_CANDIDATES if p.exists()), None)


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a PDF. Chinese names print with Noto Sans CJK when the system
    has it (Debian: fonts-noto-cjk); otherwise non-Latin characters are replaced."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    font = _cjk_font()
    unicode_ok = False
    if font is not None:
        try:
            pdf.add_font("cjk", "", str(font), collection_font_number=2)
            pdf.set_font("cjk", size=10)
            unicode_ok = True
        except Exception:  # pragma: no cover - a broken font file: fall back
            unicode_ok = False
    if not unicode_ok:
        pdf.set_font("helvetica", size=10)

    def t(text: object) -> str:
        s = str(text)
        return s if unicode_ok else s.encode("latin-1", "replace").decode("latin-1")

    pdf.set_font_size(14)
    pdf.cell(0, 8, t(_("InnoBridge facilities statement")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    pdf.cell(0, 6, t(f"{statement.title} · {statement.month}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = [22, 80, 50, 25, 20, 28, 28, 22]
    headers = [
        _("Date"),
        _("Resource"),
        _("Payer"),
        _("Kind"),
        _("Qty"),
        _("Unit price"),
        _("Amount"),
        _("Status"),
    ]
    for w, h in zip(widths, headers, strict=True):
        pdf.cell(w, 7, t(h), border=1)
    pdf.ln()
    for c in statement.charges:
        row = [
            c.incurred_on.isoformat(),
            c.booking.resource.name[:48],
            str(c.payer)[:28],
            c.get_kind_display(),
            f"{c.quantity} {c.unit}",
            f"{c.currency} {c.unit_price}",
            f"{c.currency} {c.amount}",
            c.get_status_display(),
        ]
        for w, v in zip(widths, row, strict=True):
            pdf.cell(w, 6, t(v), border=1)
        pdf.ln()
    pdf.ln(3)
    for cur, total in statement.totals.items():
        pdf.cell(
            0,
            6,
            t(_("Total %(currency)s %(amount)s") % {"currency": cur, "amount": total}),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    ind = statement.indicative
    if ind is not None:
        pdf.cell(
            0,
            6,
            t(
                _(
                    "Indicative total %(currency)s %(amount)s (converted at the rates of "
                    "%(dates)s; not an amount payable)"
                )
                % {
                    "currency": ind.currency,
                    "amount": ind.amount,
                    "dates": ", ".join(d.isoformat() for d in ind.rate_dates.values()),
                }
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if not statement.charges:
        pdf.cell(0, 6, t(_("No charges in this month.")), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
