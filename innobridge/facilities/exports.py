"""Files the facilities app hands out: iCalendar feeds and PDF statements."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from innobridge.core.money import Money

from .models import Booking, BookingStatus
from .selectors import Statement


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


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a PDF in the active UI language, with the CJK font of the
    shared helper (innobridge.core.pdf) embedded, so Chinese names print everywhere."""
    from fpdf.fonts import FontFace

    from innobridge.core.pdf import new_pdf, pdf_bytes

    pdf = new_pdf(lang=get_language(), orientation="L", title=_("InnoBridge facilities statement"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()

    def t(text: object) -> str:
        return str(text)

    pdf.set_font_size(14)
    pdf.cell(0, 8, t(_("InnoBridge facilities statement")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    pdf.cell(0, 6, t(f"{statement.title} · {statement.month}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        6,
        t(_("Statement no. %(number)s") % {"number": statement_number(statement)}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
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
    # A table whose cells wrap their text: long resource and payer names no longer run
    # over the next column.
    with pdf.table(
        col_widths=(22, 70, 48, 28, 24, 30, 32, 22),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
        line_height=5,
        first_row_as_headings=True,
        # No bold: the CJK font has one weight.
        headings_style=FontFace(emphasis=None, fill_color=(235, 235, 235)),
    ) as table:
        table.row([t(h) for h in headers])
        for c in statement.charges:
            table.row(
                [
                    t(c.incurred_on.isoformat()),
                    t(c.booking.resource.display_name()),
                    t(c.payer),
                    t(c.get_kind_display()),
                    t(f"{c.quantity} {c.get_unit_display()}"),
                    t(_money(c.unit_price, c.currency)),
                    t(_money(c.amount, c.currency)),
                    t(c.get_status_display()),
                ]
            )
    pdf.ln(3)
    for cur, total in statement.totals.items():
        pdf.cell(
            0,
            6,
            t(_("Total %(amount)s") % {"amount": _money(total, cur)}),
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
    pdf.ln(3)
    pdf.multi_cell(
        0,
        5,
        t(
            _(
                "Payment terms: payable within 30 days of the end of the month, in the "
                "currency of each charge, by bank transfer to the facility's organisation, "
                "quoting the statement number. Disputes: within 14 days, from the charge on "
                "the platform."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return pdf_bytes(pdf)


def _money(amount: object, currency: str) -> str:
    return str(Money(Decimal(str(amount)), currency))


def statement_number(statement: Statement) -> str:
    """A stable reference for a statement: the month and a short digest of whose it is
    and which charges it holds — the same statement always prints the same number."""
    ids = ",".join(str(c.pk) for c in sorted(statement.charges, key=lambda c: c.pk))
    digest = hashlib.sha1(f"{statement.title}|{ids}".encode(), usedforsecurity=False)
    return f"IB-{statement.month.replace('-', '')}-{digest.hexdigest()[:6].upper()}"
