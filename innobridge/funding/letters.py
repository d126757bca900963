"""The award letter: one PDF in English and in Chinese (in the lead applicant's reading
script: Traditional with Hong Kong forms, or Simplified), with the CJK font embedded
(:mod:`innobridge.core.pdf`). It states each funder's granted amount (and the request
beside it) and conditions; the lead accepts or declines it on InnoBridge."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innobridge.core.language import display_chinese, name_in_language
from innobridge.core.money import Money

from .models import Award, Proposal


def letter_language(proposal: Proposal) -> str:
    """The Chinese UI language of the lead applicant: their own choice when it is Chinese,
    else by the side they apply from (Hong Kong: Traditional; otherwise Simplified)."""
    lang = (getattr(proposal.lead, "preferred_language", "") or "").lower()
    if lang.startswith("zh-hant") or lang.startswith("zh-hans"):
        return lang[:7]
    member = proposal.members.filter(person_id=proposal.lead_id).first()
    return "zh-hant" if member is not None and member.side == "HK" else "zh-hans"


def _part(award: Award, lang: str) -> dict[str, Any]:
    """The letter's words in ``lang`` (names of funders, call and title in that language)."""
    p = award.proposal
    with translation.override(lang):
        zh = lang.startswith("zh")
        title = (display_chinese(p.title_zh, lang) if zh and p.title_zh else p.title_en) or (
            p.title
        )
        call_title = name_in_language(p.call.title, p.call.title_zh, lang)
        rows = []
        for d in p.decisions.select_related("funder").order_by("side"):
            rows.append(
                {
                    "funder": name_in_language(d.funder.name, d.funder.name_zh, lang),
                    "line": _("Granted: %(currency)s %(amount)s (requested %(currency)s %(req)s)")
                    % {
                        "currency": d.currency,
                        "amount": Money(d.amount, d.currency).figure(),
                        "req": Money(d.requested, d.currency).figure(),
                    },
                    "conditions": (
                        _("Conditions: %(conditions)s") % {"conditions": d.conditions}
                        if d.conditions
                        else _("No conditions beyond the call's rules.")
                    ),
                }
            )
        return {
            "heading": _("Award letter"),
            "to": _("To: %(lead)s, lead applicant") % {"lead": p.lead},
            "about": _("Proposal “%(title)s” to the call “%(call)s”")
            % {"title": title, "call": call_title},
            "intro": _(
                "The funders of the call have decided to fund your joint proposal on the "
                "terms below, each for its own side and in its own currency."
            ),
            "rows": rows,
            "duration": _("Duration: %(n)s months from the start of the project.")
            % {"n": p.duration_months},
            "accept": _(
                "The project starts on the day the lead applicant accepts this award on "
                "InnoBridge. The lead applicant may also decline it there."
            ),
            "status": _("Status of this award: %(status)s") % {"status": award.get_state_display()},
        }


def award_letter_pdf(award: Award) -> bytes:
    from innobridge.core.pdf import new_pdf, pdf_bytes

    p = award.proposal
    zh_lang = letter_language(p)
    ref = f"IB-{p.call_id}-{p.pk}"
    pdf = new_pdf(lang=zh_lang, title=f"Award {ref}")
    pdf.set_auto_page_break(auto=True, margin=15)
    issued = timezone.localtime(award.created_at).strftime("%Y-%m-%d")
    for lang in ("en", zh_lang):
        part = _part(award, lang)
        pdf.add_page()
        pdf.set_font_size(16)
        pdf.multi_cell(0, 9, part["heading"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(9)
        pdf.multi_cell(0, 5, f"{ref} · {issued}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font_size(11)
        for key in ("to", "about", "intro"):
            pdf.multi_cell(0, 6, part[key], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        for row in part["rows"]:
            pdf.set_font_size(12)
            pdf.multi_cell(0, 7, row["funder"], new_x="LMARGIN", new_y="NEXT")
            pdf.set_font_size(11)
            pdf.multi_cell(0, 6, row["line"], new_x="LMARGIN", new_y="NEXT")
            pdf.multi_cell(0, 6, row["conditions"], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        for key in ("duration", "accept", "status"):
            pdf.multi_cell(0, 6, part[key], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return pdf_bytes(pdf)
