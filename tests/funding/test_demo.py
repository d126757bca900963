"""The demo seeder: every stage present, idempotent, with the people demo's naming."""

from __future__ import annotations

import io

import pytest

from innobridge.core.models import Notice
from innobridge.funding import demo
from innobridge.funding.models import (
    Call,
    Funder,
    Project,
    Proposal,
    ReviewAssignment,
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


def test_demo_seed_is_complete_and_idempotent(make_person, db):
    population(make_person, orgs=4, per_org=4)
    out = io.StringIO()
    demo.seed(out)
    assert "open call with 4 submitted" in out.getvalue(), out.getvalue()
    assert Notice.objects.filter(source="funding", subject__icontains="decision").exists()
    # the open call: some proposals out to reviewers (the demo reviewer invited), some
    # waiting for screening, the demo researcher's draft
    open_call = Call.objects.get(decided_at__isnull=True)
    assert {"in_review", "submitted", "draft"} == set(
        open_call.proposals.values_list("state", flat=True)
    )
    assert ReviewAssignment.objects.filter(
        proposal__call=open_call, reviewer__username="demo-reviewer", status="invited"
    ).exists()
    assert Call.objects.count() == 2
    states = set(Proposal.objects.values_list("state", flat=True))
    assert {"submitted", "awarded", "declined", "panel", "draft"} <= states
    project = Project.objects.get()
    assert project.reports.filter(rating="satisfactory").exists()
    # a coherent timeline (issue 11 §8): each call is named after the year it opens, and a
    # project that started today has no report claiming months of work
    from django.utils import timezone

    for call in Call.objects.all():
        year = str(timezone.localtime(call.opens_at).year)
        assert year in call.title and year in call.title_zh, (call.title, call.opens_at)
    if project.start_date == timezone.localdate():
        assert not project.reports.filter(summary__icontains="months").exists()
    assert project.disbursements.filter(status="released").count() == 2
    # the role accounts are not in the pools (only the demo researchers)
    pooled = set(Funder.objects.values_list("reviewer_pool__username", flat=True))
    assert "demo-officer" not in pooled and "demo-researcher" not in pooled
    demo.seed(out)
    assert Call.objects.count() == 2 and "already present" in out.getvalue()


def test_demo_seed_works_with_a_small_population(make_person, db):
    # INNOBRIDGE_DEMO_SCALE=0.1 gives about seven researchers a side
    population(make_person, orgs=4, per_org=2)
    out = io.StringIO()
    demo.seed(out)
    assert "a decided call with a project" in out.getvalue(), out.getvalue()
    assert Project.objects.count() == 1
    assert Proposal.objects.filter(call__decided_at__isnull=True, state="submitted").exists()


@pytest.mark.parametrize("per_org", [1])
def test_demo_seed_says_why_it_skips(make_person, db, per_org):
    population(make_person, orgs=2, per_org=per_org)
    out = io.StringIO()
    demo.seed(out)
    assert "not enough demo people" in out.getvalue() and "2 Hong Kong" in out.getvalue()
    assert not Call.objects.exists()
