"""The demo seeder: every stage present, a coherent timeline, real-looking names with the
demo marked by a flag, idempotent, with the people demo's naming."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from innobridge.core.models import AuditEvent, Notice
from innobridge.funding import demo
from innobridge.funding.models import (
    Call,
    Funder,
    Project,
    Proposal,
    ProposalState,
    ReviewAssignment,
    Scheme,
)
from innobridge.people.models import Authorship, Organisation, Publication, ResearcherProfile


def population(make_person, *, orgs: int, per_org: int) -> None:
    """Demo researchers named like the people demo's (demo-001, …), plus its role accounts
    (which are never drawn as applicants or reviewers)."""
    make_person("demo-officer", roles=("programme_officer",), is_demo=True)
    n = 0
    for region in ("HK", "CN"):
        for i in range(orgs):
            org = Organisation.objects.create(
                name=f"{region} Univ {i}", region=region, primary_type="education"
            )
            for j in range(per_org):
                n += 1
                p = make_person(f"demo-{n:03d}", roles=("researcher",), is_demo=True)
                prof = ResearcherProfile.objects.create(
                    person=p, organisation=org, region=region, keywords=[f"topic{j}"]
                )
                pub = Publication.objects.create(
                    title=f"Study of topic{j} number {i}", abstract=f"topic{j} methods", year=2024
                )
                Authorship.objects.create(researcher=prof, publication=pub)
    reviewer = make_person("demo-reviewer", roles=("reviewer",), is_demo=True)
    review_org = Organisation.objects.create(
        name="CN Review Academy", region="CN", primary_type="education"
    )
    ResearcherProfile.objects.create(
        person=reviewer, organisation=review_org, region="CN", keywords=["topic1"]
    )
    researcher = make_person("demo-researcher", roles=("researcher",), is_demo=True)
    hk_org = Organisation.objects.filter(region="HK").order_by("pk").first()
    ResearcherProfile.objects.create(person=researcher, organisation=hk_org, region="HK")


def timeline_problems() -> list[str]:
    """Every way the demo's dates could contradict its states (issue 11 §8: "a coherent
    timeline"), over every demo call, proposal, review, decision, project and audit event."""
    now = timezone.now()
    today = timezone.localdate()
    bad: list[str] = []
    names = [
        *(f.name + " " + f.name_zh for f in Funder.objects.all()),
        *(s.name + " " + s.name_zh for s in Scheme.objects.all()),
        *(c.title + " " + c.title_zh for c in Call.objects.all()),
    ]
    for name in names:
        if "demo" in name.lower() or "示範" in name or "示范" in name:
            bad.append(f"'demo' in a name: {name}")
    for call in Call.objects.all():
        tag = f"call {call.title!r}"
        opened = timezone.localtime(call.opens_at)
        if str(opened.year) not in call.title or str(opened.year) not in call.title_zh:
            bad.append(f"{tag} named for another year than it opened ({opened:%Y-%m-%d})")
        if not call.is_demo or not call.scheme.is_demo:
            bad.append(f"{tag} or its scheme not flagged demo")
        if call.review_deadline is None or call.review_deadline <= call.closes_at:
            bad.append(f"{tag}: review deadline not after closing")
        props = list(call.proposals.all())
        if call.decided_at is not None:
            if call.decided_at > now or call.review_deadline > call.decided_at:
                bad.append(f"{tag}: decided {call.decided_at} before its review deadline / later")
            if not call.closes_at < call.decided_at:
                bad.append(f"{tag}: decided before it closed")
            undecided = [p for p in props if p.state not in DONE]
            if undecided:
                bad.append(f"{tag}: decided with proposals still {[p.state for p in undecided]}")
        elif call.is_open(now):
            if any(p.state not in (ProposalState.DRAFT, ProposalState.SUBMITTED) for p in props):
                bad.append(f"{tag}: open, yet proposals beyond submission")
        elif call.opens_at > now and props:
            bad.append(f"{tag}: not open yet but has proposals")
        else:  # closed, not decided: in review with the deadline ahead
            if any(p.state == ProposalState.IN_REVIEW for p in props) and (
                call.review_deadline <= now
            ):
                bad.append(f"{tag}: in review after its review deadline")
        for p in props:
            if p.submitted_at and not call.opens_at <= p.submitted_at <= call.closes_at:
                bad.append(f"{tag}: proposal {p.pk} submitted outside the call's window")
            if p.created_at > now or (p.submitted_at and p.submitted_at < p.created_at):
                bad.append(f"{tag}: proposal {p.pk} created after submission / in the future")
            for sc in p.screenings.all():
                if not (p.submitted_at and p.submitted_at <= sc.screened_at <= now):
                    bad.append(f"{tag}: proposal {p.pk} screened before submission / later")
            for a in p.assignments.all():
                if a.invited_at and not (
                    p.submitted_at < a.invited_at <= now and a.deadline == call.review_deadline
                ):
                    bad.append(f"{tag}: assignment {a.pk} invited at an odd time")
                review = getattr(a, "review", None)
                if (
                    review is not None
                    and review.submitted_at
                    and not (a.invited_at < review.submitted_at <= min(now, call.review_deadline))
                ):
                    bad.append(f"{tag}: review {review.pk} outside invitation → deadline")
            for d in p.decisions.all():
                if call.decided_at is None or not (
                    call.review_deadline <= d.decided_at <= call.decided_at
                ):
                    bad.append(f"{tag}: decision on {p.pk} at {d.decided_at}")
    for project in Project.objects.select_related("proposal__call"):
        call = project.proposal.call
        if not (
            call.decided_at and timezone.localtime(call.decided_at).date() < project.start_date
        ):
            bad.append(f"project {project.pk} started before its call was decided")
        if project.start_date > today:
            bad.append(f"project {project.pk} starts in the future")
        for r in project.reports.all():
            day = timezone.localtime(r.submitted_at).date()
            # no report claiming months of work on the day the project started
            if not (project.start_date + dt.timedelta(days=90) <= day <= today):
                bad.append(f"project {project.pk}: report {r.pk} on {day}")
            if r.rated_at and not r.submitted_at < r.rated_at <= now:
                bad.append(f"project {project.pk}: report {r.pk} rated before submission")
        for m in project.milestones.all():
            if m.due_date < today and m.accepted_report() is None:
                bad.append(f"project {project.pk}: milestone {m.title} overdue, no report")
        if not project.milestones.filter(due_date__gt=today).exists():
            bad.append(f"project {project.pk}: nothing due any more, yet it runs")
        for d in project.disbursements.exclude(released_at=None):
            if timezone.localtime(d.released_at).date() < project.start_date:
                bad.append(f"project {project.pk}: instalment released before the start")
    if AuditEvent.objects.filter(created_at__gt=now).exists():
        bad.append("audit events in the future")
    return bad


DONE = {
    ProposalState.AWARDED,
    ProposalState.DECLINED,
    ProposalState.INELIGIBLE,
    ProposalState.WITHDRAWN,
}


def test_demo_seed_is_complete_coherent_and_idempotent(make_person, db):
    population(make_person, orgs=4, per_org=4)
    out = io.StringIO()
    demo.seed(out)
    log = out.getvalue()
    assert "in review with 3 proposals" in log and "open call with 2 submitted" in log, log
    assert Notice.objects.filter(source="funding", subject__icontains="decision").exists()
    assert Call.objects.count() == 3
    decided, in_review, open_call = Call.objects.order_by("opens_at")
    assert decided.decided_at is not None and in_review.decided_at is None
    now = timezone.now()
    assert decided.review_deadline < now < in_review.review_deadline  # the reported bug
    assert in_review.closes_at < now and open_call.is_open(now)
    # the call in review: proposals out to reviewers (the demo reviewer invited), one at
    # the panel, one waiting for screening; the open call: submitted ones and the demo
    # researcher's draft
    assert {"in_review", "panel", "submitted"} == set(
        in_review.proposals.values_list("state", flat=True)
    )
    assert ReviewAssignment.objects.filter(
        proposal__call=in_review, reviewer__username="demo-reviewer", status="invited"
    ).exists()
    assert {"submitted", "draft"} == set(open_call.proposals.values_list("state", flat=True))
    assert {"awarded", "declined"} == set(decided.proposals.values_list("state", flat=True))
    project = Project.objects.get()
    assert project.start_date < timezone.localdate() - dt.timedelta(days=200)
    assert project.reports.filter(rating="satisfactory").exists()
    assert project.disbursements.filter(status="released").count() == 4
    # real-looking names in both languages; demo is a flag, not a word in the name
    assert not timeline_problems(), timeline_problems()
    assert Funder.objects.filter(is_demo=True).count() == 2
    assert set(Funder.objects.values_list("name_zh", flat=True)) == {"香港創新基金", "内地科学基金"}
    assert Scheme.objects.get().name_zh == "內地與香港聯合研究計劃"
    # the role accounts are not in the pools (only the demo researchers)
    pooled = set(Funder.objects.values_list("reviewer_pool__username", flat=True))
    assert "demo-officer" not in pooled and "demo-researcher" not in pooled
    demo.seed(out)
    assert Call.objects.count() == 3 and "already present" in out.getvalue()


@pytest.mark.parametrize(
    ("years", "titles"),
    [
        ((2025, 2026, 2026), ["Call 2025", "Call 2026, first round", "Call 2026, second round"]),
        ((2025, 2025, 2026), ["Call 2025, first round", "Call 2025, second round", "Call 2026"]),
    ],
)
def test_calls_are_named_after_the_year_they_open(years, titles):
    got = demo._call_titles(*years)
    assert [en.removeprefix("Joint Research ") for en, _ in got] == titles
    assert got[1][1].startswith(str(years[1]) + "年") and "輪" in got[0][1] + got[1][1]


def test_demo_seed_works_with_a_small_population(make_person, db):
    # INNOBRIDGE_DEMO_SCALE=0.1 gives about seven researchers a side
    population(make_person, orgs=4, per_org=2)
    out = io.StringIO()
    demo.seed(out)
    assert "a decided call with a project" in out.getvalue(), out.getvalue()
    assert Project.objects.count() == 1
    assert Proposal.objects.filter(call__decided_at__isnull=True, state="submitted").exists()
    assert not timeline_problems(), timeline_problems()


@pytest.mark.parametrize("per_org", [1])
def test_demo_seed_says_why_it_skips(make_person, db, per_org):
    population(make_person, orgs=2, per_org=per_org)
    out = io.StringIO()
    demo.seed(out)
    assert "not enough demo people" in out.getvalue() and "2 Hong Kong" in out.getvalue()
    assert not Call.objects.exists()
