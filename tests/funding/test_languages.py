"""Every funding page, for the people who use it, in the three UI languages; the panel's
ranking with the spread of scores; the last API gaps (notifications read, assignment
removal)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from innobridge.core.models import Notice
from innobridge.core.services import notify_in_app
from innobridge.funding import services
from innobridge.funding.models import Criterion, Project, ReviewAssignment
from tests.pages import page_as

from .steps import eligible, to_review


@pytest.fixture
def stages(world, submitted):
    """One proposal awarded (a project), the world's call in every later stage."""
    p = to_review(world, eligible(world, submitted))
    invited = ReviewAssignment.objects.filter(proposal=p, status="invited").order_by("pk")
    for a, score in zip(invited, [5, 3, 4, 2], strict=True):
        services.respond_assignment(a.reviewer, a, accept=True)
        crits = Criterion.objects.filter(call=p.call, funder=a.funder)
        services.submit_review(a.reviewer, a, scores={c.pk: score for c in crits})
    services.move_to_panel(world.hk_officer, p)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    p.refresh_from_db()
    services.accept_award(world.lead, p.award)
    return p


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_every_page_in_each_language(world, stages, lang):
    p = stages
    project = Project.objects.get(proposal=p)
    a = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).first()
    draft = services.create_proposal(world.outsider, world.call, title_zh="草稿")
    pages = {
        None: [
            reverse("funding:home"),
            reverse("funding:call", args=[world.call.pk]),
            reverse("funding:projects"),
        ],
        world.lead: [
            reverse("funding:home"),
            reverse("funding:proposal", args=[p.pk]),
            reverse("funding:project", args=[project.pk]),
            reverse("funding:notifications"),
        ],
        world.outsider: [
            reverse("funding:proposal", args=[draft.pk]),  # the draft's editing page
        ],
        a.reviewer: [
            reverse("funding:reviews"),
            reverse("funding:proposal", args=[p.pk]),
            reverse("funding:review", args=[a.pk]),
        ],
        world.hk_officer: [
            reverse("funding:home"),
            reverse("funding:schemes"),
            reverse("funding:scheme_create"),
            reverse("funding:scheme_edit", args=[world.scheme.pk]),
            reverse("funding:call_create"),
            reverse("funding:call_edit", args=[world.call.pk]),
            reverse("funding:call_manage", args=[world.call.pk]),
            reverse("funding:funder_pool", args=[world.hk_funder.pk]),
            reverse("funding:proposal", args=[p.pk]),
            reverse("funding:project", args=[project.pk]),
        ],
    }
    for person, urls in pages.items():
        for url in urls:
            text = page_as(url, user=person, language=lang)
            if lang != "en":
                assert f'lang="{lang[:2]}' in text.lower() or "zh-han" in text.lower()


def test_ranking_shows_each_funders_scores_and_spread(client, world, stages):
    client.force_login(world.hk_officer)
    r = client.get(f"/api/funding/calls/{world.call.pk}/ranking/{world.hk_funder.pk}")
    assert r.status_code == 200
    (row,) = r.json()
    assert row["reviews"] == 2 and row["min"] < row["max"] and row["stdev"] > 0
    r = client.get(reverse("funding:call_manage", args=[world.call.pk]))
    assert b"Graphene batteries" in r.content
    client.force_login(world.lead)
    r = client.get(f"/api/funding/calls/{world.call.pk}/ranking/{world.hk_funder.pk}")
    assert r.status_code in (403, 404)


def test_notifications_read_through_the_api(client, world, stages):
    client.force_login(world.lead)
    notes = client.get("/api/funding/notifications").json()
    assert notes and not any(n["read"] for n in notes)
    first = notes[0]["id"]
    r = client.post(
        "/api/funding/notifications/read",
        json.dumps({"ids": [first]}),
        content_type="application/json",
    )
    assert r.json() == {"marked": 1}
    # someone else's notification cannot be marked
    other = Notice.objects.filter(source="funding").exclude(recipient=world.lead).first()
    r = client.post(
        "/api/funding/notifications/read",
        json.dumps({"ids": [other.pk]}),
        content_type="application/json",
    )
    assert r.json() == {"marked": 0}
    other.refresh_from_db()
    assert other.read_at is None
    # the lead's notices from other apps are neither listed nor marked here
    elsewhere = notify_in_app(world.lead, "people", "Introduction requested")
    assert elsewhere.pk not in {n["id"] for n in client.get("/api/funding/notifications").json()}
    r = client.post("/api/funding/notifications/read", "{}", content_type="application/json")
    assert r.json()["marked"] == len(notes) - 1
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None


def test_assignment_removal_through_the_api(client, world, submitted):
    p = eligible(world, submitted)
    services.run_assignment(world.hk_officer, world.call)
    a = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).first()
    client.force_login(world.cn_officer)  # not this funder's officer
    assert client.delete(f"/api/funding/assignments/{a.pk}").status_code == 403
    client.force_login(world.hk_officer)
    assert client.delete(f"/api/funding/assignments/{a.pk}").status_code == 204
    assert not ReviewAssignment.objects.filter(pk=a.pk).exists()


def test_conflicts_through_the_api(client, world, submitted):
    from innobridge.people.models import ResearcherProfile

    # a pool reviewer from the lead's own organisation
    rp = ResearcherProfile.objects.get(person=world.reviewers_hk[0])
    rp.organisation = world.hk_org
    rp.save()
    url = f"/api/funding/calls/{world.call.pk}/conflicts"
    client.force_login(world.lead)
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 403
    client.force_login(world.hk_officer)
    r = client.post(url)
    assert r.status_code == 200 and r.json()["new_conflicts"] >= 1
    rows = client.get(url).json()
    assert {"proposal": submitted.pk, "reviewer": world.reviewers_hk[0].pk} in [
        {"proposal": c["proposal"], "reviewer": c["reviewer"]} for c in rows
    ]
    assert client.post(url).json() == {"new_conflicts": 0}  # recorded once


@pytest.mark.parametrize(
    ("lang", "region", "org"),
    [("zh-hant", "香港", "香港大學"), ("zh-hans", "香港", "香港大学"), ("en", "Hong Kong", "HKU")],
)
def test_project_partners_in_the_readers_language(client, world, stages, lang, region, org):
    """The project page's partners: organisation and region in the reader's language, not
    the English name and a raw region code (issue 11 §4)."""
    from innobridge.people.models import Organisation

    project = Project.objects.get(proposal=stages)
    member = stages.members.filter(side="HK").first()
    assert member is not None
    Organisation.objects.filter(pk=member.organisation_id).update(name="HKU", name_zh="香港大學")
    client.force_login(world.lead)
    html = client.get(
        reverse("funding:project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE=lang
    ).content.decode()
    rows = [r for r in html.split('data-testid="project-member"')[1:]]
    assert any(f">{region}</span>" in r and f"— {org} (" in r for r in rows), rows
