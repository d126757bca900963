"""Statements: totals per currency and an indicative total in the organisation's home
currency at a dated exchange rate, marked as indicative (HTML, CSV, PDF)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from innobridge.core.models import ExchangeRate
from innobridge.facilities import selectors
from innobridge.facilities.models import Booking, Charge
from tests.pages import client_as

from .conftest import hk


def charge(resource: Any, person: Any, org: Any, amount: str, currency: str, day: int) -> Charge:
    b = Booking.objects.create(
        resource=resource,
        booker=person,
        organisation=org,
        booker_region=org.region,
        category="mainland_academic",
        starts_at=hk(2026, 1, day, 10),
        ends_at=hk(2026, 1, day, 11),
        status="used",
        unit="hour",
        unit_price=Decimal(amount),
        quantity=1,
        price=Decimal(amount),
        currency=currency,
    )
    return Charge.objects.create(
        booking=b,
        payer=person,
        organisation=org,
        kind="usage",
        incurred_on=dt.date(2026, 1, day),
        description="Use",
        quantity=1,
        unit="hour",
        unit_price=Decimal(amount),
        amount=Decimal(amount),
        currency=currency,
    )


@pytest.fixture
def mixed(resource: Any, people: Any, orgs: Any) -> Any:
    li = people["mainland"]
    charge(resource, li, orgs["tsinghua"], "750.00", "CNY", 5)
    charge(resource, li, orgs["tsinghua"], "1000.00", "HKD", 6)
    return li


def test_totals_per_currency_and_indicative(mixed: Any, orgs: Any) -> None:
    ExchangeRate.objects.create(
        base="HKD", quote="CNY", rate=Decimal("0.90"), valid_from=dt.date(2025, 12, 1)
    )
    ExchangeRate.objects.create(
        base="HKD", quote="CNY", rate=Decimal("0.92"), valid_from=dt.date(2026, 1, 20)
    )
    ExchangeRate.objects.create(
        base="HKD", quote="CNY", rate=Decimal("0.99"), valid_from=dt.date(2026, 2, 3)
    )
    st = selectors.user_statement(mixed, "2026-01")
    assert st.totals == {"CNY": Decimal("750.00"), "HKD": Decimal("1000.00")}
    assert st.home_currency == "CNY"
    assert st.indicative is not None
    # The rate in force on the month's last day (20 January), not February's.
    assert st.indicative.amount == Decimal("1670.00")
    assert st.indicative.rate_dates == {"HKD": dt.date(2026, 1, 20)}
    assert st.indicative.on == dt.date(2026, 1, 31)


def test_no_rate_no_indicative(mixed: Any) -> None:
    st = selectors.user_statement(mixed, "2026-01")
    assert st.indicative is None and st.missing_rates == ["HKD"]


def test_single_home_currency_needs_no_indicative(resource: Any, people: Any, orgs: Any) -> None:
    charge(resource, people["mainland"], orgs["tsinghua"], "750.00", "CNY", 5)
    st = selectors.user_statement(people["mainland"], "2026-01")
    assert st.indicative is None and not st.missing_rates


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_statement_pages_show_indicative(
    mixed: Any, manager: Any, orgs: Any, language: str
) -> None:
    ExchangeRate.objects.create(
        base="CNY", quote="HKD", rate=Decimal("1.10"), valid_from=dt.date(2026, 1, 2)
    )
    page = client_as(mixed, language).get(reverse("facilities:my_statement"), {"month": "2026-01"})
    body = page.content.decode()
    assert 'data-testid="total-CNY"' in body and 'data-testid="total-HKD"' in body
    assert 'data-testid="indicative-total"' in body
    assert "CNY 1,659.09" in body  # 750 + 1000 / 1.10 (inverse of the recorded pair)
    assert "2026-01-02" in body
    # An organisation statement in Hong Kong dollars for the HK facility's manager.
    org_page = client_as(manager, language).get(
        reverse("facilities:org_statement", args=[orgs["tsinghua"].pk]), {"month": "2026-01"}
    )
    assert 'data-testid="indicative-total"' in org_page.content.decode()


def test_statement_csv_and_pdf_carry_indicative(mixed: Any) -> None:
    ExchangeRate.objects.create(
        base="HKD", quote="CNY", rate=Decimal("0.92"), valid_from=dt.date(2026, 1, 2)
    )
    c = client_as(mixed)
    csv = c.get(
        reverse("facilities:my_statement"), {"month": "2026-01", "format": "csv"}
    ).content.decode()
    assert "indicative_total,2026-01-31,HKD 2026-01-02" in csv and "1670.00,CNY" in csv
    pdf = c.get(reverse("facilities:my_statement"), {"month": "2026-01", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_statement_without_rate_says_so(mixed: Any) -> None:
    body = (
        client_as(mixed)
        .get(reverse("facilities:my_statement"), {"month": "2026-01"})
        .content.decode()
    )
    assert 'data-testid="no-rate"' in body and 'data-testid="indicative-total"' not in body


def test_statement_csv_opens_in_excel_with_chinese(mixed: Any) -> None:
    """UTF-8 with a byte-order mark: Excel reads it as UTF-8, so Chinese names survive."""
    response = client_as(mixed).get(
        reverse("facilities:my_statement"), {"month": "2026-01", "format": "csv"}
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").startswith("date,")


def test_statement_pdf_has_a_stable_number_payment_terms_and_wrapped_cells(
    mixed: Any, resource: Any
) -> None:
    from django.utils import translation

    from innobridge.facilities.exports import statement_number, statement_pdf

    resource.name = "Field-emission transmission electron microscope " * 4  # a long name
    resource.save()
    st = selectors.user_statement(mixed, "2026-01")
    number = statement_number(st)
    assert number.startswith("IB-202601-") and len(number) == len("IB-202601-") + 6
    assert statement_number(selectors.user_statement(mixed, "2026-01")) == number
    assert statement_number(selectors.user_statement(mixed, "2026-02")) != number
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            assert statement_pdf(st).startswith(b"%PDF")


def test_statement_pdf_prints_chinese_with_the_packaged_font(mixed: Any, resource: Any) -> None:
    """The Chinese statement embeds Noto Sans CJK from the Python package (no system
    font, no replaced characters) and its text is Chinese."""
    from django.utils import translation

    from innobridge.facilities.exports import statement_pdf
    from tests.pdf_text import pdf_embeds_font, pdf_text

    resource.name = "透射電子顯微鏡"
    resource.save()
    st = selectors.user_statement(mixed, "2026-01")
    with translation.override("zh-hant"):
        data = statement_pdf(st)
    assert pdf_embeds_font(data, "NotoSansCJKHK")
    text = pdf_text(data)
    assert "透射電子顯微鏡" in text and "結單編號" in text
