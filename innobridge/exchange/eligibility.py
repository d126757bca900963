"""A programme's declarative eligibility rules, checked at submission; each failed rule
gives a message in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import direction_regions


def years_between(start: Any, end: Any) -> int:
    """Whole years from ``start`` to ``end`` (an age)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def check(application: Any, host_regions: set[str] | None = None) -> list[str]:
    p = application.programme
    deadline = p.applications_close
    problems: list[str] = []
    if p.max_age is not None:
        if application.birth_date is None:
            problems.append(_("Give your date of birth: this programme has an age limit."))
        elif years_between(application.birth_date, deadline) > p.max_age:
            problems.append(
                _("You must be at most %(max)s years old on %(date)s; you will be %(age)s.")
                % {
                    "max": p.max_age,
                    "date": deadline.isoformat(),
                    "age": years_between(application.birth_date, deadline),
                }
            )
    if p.phd_required or p.max_years_since_phd is not None:
        if application.phd_date is None:
            problems.append(_("Give the date your PhD was awarded: this programme requires one."))
        elif p.max_years_since_phd is not None and (
            years_between(application.phd_date, deadline) >= p.max_years_since_phd + 1
        ):
            problems.append(
                _("Your PhD must be at most %(max)s years old on %(date)s.")
                % {"max": p.max_years_since_phd, "date": deadline.isoformat()}
            )
    if p.career_stages and application.career_stage not in p.career_stages:
        problems.append(
            _("This programme is not open to your career stage; it admits: %(stages)s.")
            % {"stages": ", ".join(p.career_stage_labels())}
        )
    homes, _hosts = direction_regions(p.direction)
    if application.home_region not in homes:
        problems.append(_("This programme does not take applicants from your home region."))
    if p.home_differs_from_host and application.home_region in (host_regions or set()):
        problems.append(
            _("A placement you chose is in your own region; choose one across the boundary.")
        )
    if any(lang not in (application.languages or []) for lang in p.languages):
        problems.append(
            _("This programme requires these languages: %(languages)s.")
            % {"languages": ", ".join(p.language_labels())}
        )
    return problems
