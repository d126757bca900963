"""Exchange e-mail in the recipient's language, and applicants told of decisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from innobridge.exchange import notifications, services

from .conftest import draft, shortlisted, submitted

pytestmark = pytest.mark.django_db


def _subject_in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _invite(w: Any, capture: Any, **extra: Any) -> Any:
    app = draft(w)
    with capture(execute=True):
        services.invite_referee(w.applicant, app, name="Prof. R", **extra)
    return mail.outbox[-1]


def test_referee_without_account_gets_the_language_the_applicant_chose(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    msg = _invite(
        world, django_capture_on_commit_callbacks, email="ref@example.org", language="zh-hant"
    )
    assert msg.to == ["ref@example.org"]
    assert "推薦信" in msg.subject and "Reference letter" not in msg.subject


def test_referee_without_account_or_choice_gets_the_applicants_language(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.applicant.preferred_language = "zh-hans"
    world.applicant.save()
    msg = _invite(world, django_capture_on_commit_callbacks, email="ref@example.org")
    assert "推荐信" in msg.subject


def test_referee_with_an_account_gets_their_own_language(
    world: Any, make_person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_person("prof", email="Prof@Example.org", preferred_language="zh-hans")
    msg = _invite(
        world, django_capture_on_commit_callbacks, email="prof@example.org", language="en"
    )
    assert "推荐信" in msg.subject


def test_unknown_language_codes_fall_back_to_the_three_site_languages() -> None:
    assert notifications.mail_language("zh-hk") == "zh-hant"
    assert notifications.mail_language("zh-cn") == "zh-hans"
    assert notifications.mail_language("fr") == "en"
    assert notifications.mail_language("") == "en"


def test_applicant_hears_of_nomination_and_shortlisting_in_their_language(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    w.applicant.preferred_language = "zh-hant"
    w.applicant.save()
    app = submitted(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.nominate(w.cn_coordinator, app, yes=True)
    msg = mail.outbox[-1]
    assert msg.to == [w.applicant.email]
    assert _subject_in("zh-hant", notifications.NOMINATED) % {"programme": app.programme} in (
        msg.body
    )
    review = services.assign_reviewer(w.officer, app, w.reviewer)
    crit = list(w.programme.rubric.all())
    services.submit_review(w.reviewer, review, scores={str(c.pk): 4 for c in crit})
    with django_capture_on_commit_callbacks(execute=True):
        services.shortlist(w.officer, app, yes=True)
    assert _subject_in("zh-hant", notifications.SHORTLISTED) % {"programme": app.programme} in (
        mail.outbox[-1].body
    )


def test_not_nominated_applicant_is_told(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.nominate(world.cn_coordinator, app, yes=False)
    assert "decided not to nominate" in mail.outbox[-1].body


def test_a_refused_decision_sends_nothing(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = submitted(world)
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.nominate(world.outsider, app, yes=True)
    assert len(mail.outbox) == before


def test_results_tell_the_placed_and_the_waiting_list(
    world: Any, make_person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from innobridge.people.models import ResearcherProfile

    w = world
    w.p1.seats = 1
    w.p1.save()
    shortlisted(w, score=5, prefs=(w.p1,))
    other = make_person("other", preferred_language="zh-hans")
    ResearcherProfile.objects.create(person=other, organisation=w.zju, region="CN")
    shortlisted(w, person=other, score=2, prefs=(w.p1,))
    run = services.run_matching(w.officer, w.programme, "stable")
    services.choose_run(w.officer, run)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_offers(w.officer, run)
    to_other = [m for m in mail.outbox if m.to == [other.email]]
    waiting = _subject_in("zh-hans", notifications.WAITING_LIST) % {"programme": w.programme}
    assert any(waiting in m.body for m in to_other)
    assert any(m.subject.startswith("Offer") for m in mail.outbox if m.to == [w.applicant.email])
