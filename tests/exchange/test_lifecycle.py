"""From application to completed stay through the services, and bad input that changes
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.models import (
    Application,
    ApplicationState,
    InstalmentState,
    Offer,
    OfferState,
    Preference,
    Referee,
    RefereeState,
    StayState,
)

from .conftest import draft, pdf, shortlisted, submitted

pytestmark = pytest.mark.django_db


def test_full_lifecycle_to_completed_stay_with_instalments_released(world: Any) -> None:
    w = world
    app = shortlisted(w)
    assert app.state == ApplicationState.SHORTLISTED
    assert app.review_score is not None
    services.rank_applicants(w.supervisor, w.p1, [app.pk])
    stable = services.run_matching(w.officer, w.programme, "stable")
    optimal = services.run_matching(w.officer, w.programme, "optimal")
    assert stable.metrics["blocking_pairs"] == 0
    assert stable.pairs == [[app.pk, w.p1.pk]]
    assert optimal.metrics["placed"] == 1
    services.choose_run(w.officer, stable)
    [offer] = services.send_offers(w.officer, stable)
    app.refresh_from_db()
    assert app.state == ApplicationState.OFFERED
    stay = services.accept_offer(w.applicant, offer)
    assert stay.state == StayState.NOMINATED
    assert stay.checklist.count() == 1
    assert stay.instalments.count() == 5  # 3 RMB + 2 HKD
    services.move_stay(w.supervisor, stay, "host_accept")
    services.move_stay(w.applicant, stay, "start_permits")
    services.tick_checklist(w.applicant, stay.checklist.get())
    services.move_stay(w.supervisor, stay, "arrive")
    released = stay.instalments.filter(state=InstalmentState.RELEASED)
    assert {(i.currency, i.paid_on) for i in released} == {("CNY", "arrival"), ("HKD", "arrival")}
    with pytest.raises(ValidationError):
        services.move_stay(w.officer, stay, "complete")  # no final report accepted yet
    mid = services.submit_report(w.applicant, stay, kind="mid_term", text="Halfway there.")
    services.review_report(w.officer, mid, accept=True)
    final = services.submit_report(w.applicant, stay, kind="final", text="Done.")
    services.submit_report(w.supervisor, stay, kind="final", text="A fine fellow.")
    services.review_report(w.officer, final, accept=True)
    services.move_stay(w.officer, stay, "complete")
    stay.refresh_from_db()
    assert stay.state == StayState.COMPLETED and stay.actual_departure is not None
    assert not stay.instalments.exclude(state=InstalmentState.RELEASED).exists()
    amounts = {
        c: sum(i.amount for i in stay.instalments.filter(currency=c)) for c in ("CNY", "HKD")
    }
    assert amounts == {"CNY": 360000, "HKD": 439200}
    assert AuditEvent.objects.filter(action="exchange.instalment.released").count() == 5


def test_over_age_applicant_cannot_submit_and_nothing_changes(world: Any) -> None:
    today = timezone.localdate()
    app = draft(world, birth_date=today.replace(year=today.year - 40))
    services.set_preferences(world.applicant, app, [world.p1.pk])
    services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    with pytest.raises(ValidationError) as exc:
        services.submit_application(world.applicant, app)
    assert any("at most 35 years old" in m for m in exc.value.messages)
    app.refresh_from_db()
    assert app.state == ApplicationState.DRAFT and app.submitted_at is None


def test_too_many_preferences_is_refused_and_keeps_the_old_list(world: Any) -> None:
    app = draft(world)
    services.set_preferences(world.applicant, app, [world.p1.pk])
    extra = services.propose_placement(
        world.supervisor, world.programme, title="Third", organisation=world.hku, months=24
    )
    services.move_placement(world.hk_coordinator, extra, "approve")
    with pytest.raises(ValidationError) as exc:
        services.set_preferences(world.applicant, app, [world.p1.pk, world.p2.pk, extra.pk])
    assert "at most 2" in str(exc.value)
    assert list(Preference.objects.filter(application=app).values_list("placement", flat=True)) == [
        world.p1.pk
    ]


def test_unapproved_placement_is_invisible_and_cannot_be_chosen(world: Any) -> None:
    p = services.propose_placement(
        world.supervisor, world.programme, title="Pending", organisation=world.hku, months=24
    )
    app = draft(world)
    with pytest.raises(ValidationError):
        services.set_preferences(world.applicant, app, [p.pk])


def test_placement_outside_the_host_region_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.propose_placement(
            world.supervisor, world.programme, title="x", organisation=world.zju, months=24
        )


def test_referee_link_uploads_once_and_expired_link_is_refused(world: Any) -> None:
    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    assert Referee.hash_token(token) == ref.token_hash and token not in ref.token_hash
    new_token = services.resend_invitation(world.applicant, ref)
    with pytest.raises(ValidationError):
        services.referee_for_token(token)  # the old link stopped working
    Referee.objects.filter(pk=ref.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        services.upload_letter(new_token, pdf())
    assert "expired" in str(exc.value)
    ref.refresh_from_db()
    assert ref.state == RefereeState.INVITED and not ref.letter
    token3 = services.resend_invitation(world.applicant, ref)
    services.upload_letter(token3, pdf())
    ref.refresh_from_db()
    assert ref.state == RefereeState.RECEIVED and ref.letter
    with pytest.raises(ValidationError):
        services.upload_letter(token3, pdf())  # one-time


def test_a_letter_must_be_a_pdf(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = draft(world)
    _ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    with pytest.raises(ValidationError):
        services.upload_letter(token, SimpleUploadedFile("x.pdf", b"MZ not a pdf"))


def test_second_acceptance_is_refused(world: Any) -> None:
    app = shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    services.accept_offer(world.applicant, offer)
    with pytest.raises(ValidationError):
        services.accept_offer(world.applicant, offer)
    app.refresh_from_db()
    assert app.state == ApplicationState.ACCEPTED
    assert Offer.objects.filter(application=app).count() == 1


def test_report_for_a_stay_not_started_is_refused(world: Any) -> None:
    shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    stay = services.accept_offer(world.applicant, offer)
    with pytest.raises(ValidationError) as exc:
        services.submit_report(world.applicant, stay, kind="final", text="Too early")
    assert "on site" in str(exc.value)
    assert stay.reports.count() == 0


def test_decline_goes_to_the_waiting_list_keeping_the_placed(world: Any, make_person: Any) -> None:
    from innobridge.people.models import ResearcherProfile

    w = world
    a1 = shortlisted(w, score=5)
    second = make_person("second")
    ResearcherProfile.objects.create(person=second, organisation=w.zju, region="CN")
    a2 = shortlisted(w, person=second, score=3)
    run = services.run_matching(w.officer, w.programme, "stable")
    services.choose_run(w.officer, run)
    offers = services.send_offers(w.officer, run)
    assert len(offers) == 2
    by_app = {o.application_id: o for o in offers}
    assert by_app[a1.pk].placement_id == w.p1.pk and by_app[a2.pk].placement_id == w.p2.pk
    # A third applicant waits for p1.
    third = make_person("third")
    ResearcherProfile.objects.create(person=third, organisation=w.zju, region="CN")
    w.programme.applications_close = timezone.localdate() + dt.timedelta(days=20)
    a3 = shortlisted(w, person=third, score=2)
    new = services.decline_offer(w.applicant, by_app[a1.pk])
    assert new is not None and new.application_id == a3.pk and new.placement_id == w.p1.pk
    assert new.from_waiting_list
    assert Offer.objects.get(pk=by_app[a2.pk].pk).state == OfferState.SENT  # kept


def test_lapsed_offer_goes_to_the_next_applicant(world: Any, make_person: Any) -> None:
    from innobridge.people.models import ResearcherProfile

    w = world
    shortlisted(w, score=5)
    run = services.run_matching(w.officer, w.programme, "stable")
    services.choose_run(w.officer, run)
    [offer] = services.send_offers(w.officer, run)
    other = make_person("other")
    ResearcherProfile.objects.create(person=other, organisation=w.zju, region="CN")
    a2 = shortlisted(w, person=other, score=1)
    Offer.objects.filter(pk=offer.pk).update(reply_by=timezone.localdate() - dt.timedelta(days=1))
    lapsed = services.lapse_overdue()
    assert [o.pk for o in lapsed] == [offer.pk]
    assert Offer.objects.get(pk=offer.pk).state == OfferState.LAPSED
    assert Offer.objects.filter(application=a2, state=OfferState.SENT).exists()


def test_withdraw_before_results_only(world: Any) -> None:
    app = submitted(world)
    services.withdraw_application(world.applicant, app)
    assert Application.objects.get(pk=app.pk).state == ApplicationState.WITHDRAWN


def test_nomination_required_before_shortlisting(world: Any) -> None:
    app = submitted(world)
    with pytest.raises(ValidationError):
        services.shortlist(world.officer, app, yes=True)
    with pytest.raises(PermissionDenied):
        services.nominate(world.hk_coordinator, app, yes=True)  # not the home institution
    services.nominate(world.cn_coordinator, app, yes=True)
    services.shortlist(world.officer, app, yes=True)


def test_manual_adjustment_creating_a_blocking_pair_is_flagged(
    world: Any, make_person: Any
) -> None:
    from innobridge.people.models import ResearcherProfile

    w = world
    a1 = shortlisted(w, score=5)
    other = make_person("other")
    ResearcherProfile.objects.create(person=other, organisation=w.zju, region="CN")
    a2 = shortlisted(w, person=other, score=1)
    run = services.run_matching(w.officer, w.programme, "stable")
    services.choose_run(w.officer, run)
    assert run.metrics["blocking_pairs"] == 0
    # Taking the best applicant out frees p1: a1 would rather have p1 or p2 (both order
    # a1 first), and a2 would rather have p1 (free now) — three blocking pairs, flagged.
    flags = services.adjust(w.officer, run, a1.pk, None)
    run.refresh_from_db()
    assert len(flags) == 3 and sum(str(w.applicant) in f for f in flags) == 2
    assert run.adjusted and run.metrics["blocking_pairs"] == 3
    assert [a1.pk, w.p1.pk] not in run.pairs and [a2.pk, w.p2.pk] in run.pairs
    with pytest.raises(ValidationError):
        services.adjust(w.officer, run, a2.pk, w.p2.pk + 1000)  # not ranked


def test_eligibility_messages_in_the_users_language(world: Any) -> None:
    from django.utils import translation

    today = timezone.localdate()
    app = draft(world, birth_date=today.replace(year=today.year - 40))
    with translation.override("zh-hans"):
        problems = services.submission_problems(app)
    assert any("35" in p and "岁" in p for p in problems), problems


def test_planned_dates_move_the_checklist_and_are_checked(world: Any) -> None:
    shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    stay = services.accept_offer(world.applicant, offer)
    due = stay.checklist.get().due_on
    arrival = stay.planned_arrival + dt.timedelta(days=10)
    services.set_planned_dates(
        world.supervisor, stay, arrival=arrival, departure=arrival + dt.timedelta(days=700)
    )
    assert stay.checklist.get().due_on == due + dt.timedelta(days=10)
    with pytest.raises(ValidationError):
        services.set_planned_dates(
            world.officer, stay, arrival=arrival, departure=arrival + dt.timedelta(days=1200)
        )  # > 24 months
    with pytest.raises(PermissionDenied):
        services.set_planned_dates(
            world.applicant, stay, arrival=arrival, departure=arrival + dt.timedelta(days=30)
        )
    stay.refresh_from_db()
    assert stay.planned_arrival == arrival
