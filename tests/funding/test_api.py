"""The funding API: the same rules as the pages, errors as 4xx with messages."""

from __future__ import annotations

import json

from innobridge.funding import services
from innobridge.funding.models import Criterion, Proposal, ReviewAssignment

from .conftest import pdf


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_public_calls_and_projects(client, world):
    r = client.get("/api/funding/calls")
    assert r.status_code == 200
    call = r.json()[0]
    assert {s["currency"] for s in call["sides"]} == {"HKD", "CNY"}
    assert client.get("/api/funding/projects").json() == []
    assert client.get("/api/funding/proposals").status_code == 401


def test_api_journey_and_errors(client, world):
    c = client
    c.force_login(world.lead)
    r = post(
        c,
        f"/api/funding/calls/{world.call.pk}/proposals",
        {"title_en": "API batteries", "abstract_en": "graphene battery", "duration_months": 24},
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["problems"]
    # missing partner → 422 with the message, nothing changes
    post(
        c,
        f"/api/funding/proposals/{pid}/budget",
        {"side": "HK", "category": "staff", "amount": "1000"},
    )
    post(
        c,
        f"/api/funding/proposals/{pid}/budget",
        {"side": "CN", "category": "staff", "amount": "1000"},
    )
    r = post(c, f"/api/funding/proposals/{pid}/submit")
    assert r.status_code == 422
    assert any("Mainland" in d["msg"] for d in r.json()["detail"])
    # wrong currency → 422 on the field
    r = post(
        c,
        f"/api/funding/proposals/{pid}/budget",
        {"side": "CN", "category": "staff", "amount": "1", "currency": "HKD"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["currency"]
    # wrong file type
    r = c.post(
        f"/api/funding/proposals/{pid}/attachments", {"file": pdf("a.pdf", b"PK\x03\x04zip")}
    )
    assert r.status_code == 422
    r = c.post(f"/api/funding/proposals/{pid}/attachments", {"file": pdf()})
    assert r.status_code == 201
    r = post(c, f"/api/funding/proposals/{pid}/members", {"person": "partner"})
    assert r.status_code == 201
    mid = r.json()["id"]
    c.force_login(world.partner)
    assert post(c, f"/api/funding/members/{mid}/respond", {"accept": True}).status_code == 200
    c.force_login(world.lead)
    assert post(c, f"/api/funding/proposals/{pid}/submit").status_code == 200
    r = post(c, f"/api/funding/proposals/{pid}/submit")
    assert r.status_code == 422 and "already been submitted" in r.json()["detail"][0]["msg"]
    # the applicant cannot screen
    assert post(c, f"/api/funding/proposals/{pid}/screen", {"eligible": True}).status_code == 403
    c.force_login(world.hk_officer)
    # the Hong Kong officer cannot screen for the Mainland funder
    r = post(
        c,
        f"/api/funding/proposals/{pid}/screen",
        {"eligible": True, "funder_id": world.cn_funder.pk},
    )
    assert r.status_code == 403
    r = post(c, f"/api/funding/proposals/{pid}/screen", {"eligible": True})
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert [s["side"] for s in r.json()["screenings"]] == ["HK"]
    c.force_login(world.cn_officer)
    r = post(c, f"/api/funding/proposals/{pid}/screen", {"eligible": True})
    assert r.status_code == 200 and r.json()["state"] == "eligible"
    r = post(c, f"/api/funding/calls/{world.call.pk}/assignment", {"fair": True})
    assert r.status_code == 200 and r.json()["summary"]["CN"]["pairs"] == 2
    c.force_login(world.hk_officer)
    r = post(c, f"/api/funding/calls/{world.call.pk}/assignment", {"fair": True})
    assert r.status_code == 200 and r.json()["summary"]["HK"]["pairs"] == 2
    pairs = c.get(f"/api/funding/calls/{world.call.pk}/assignments").json()
    assert all(p["affinity"] is not None for p in pairs)
    assert (
        post(
            c,
            f"/api/funding/calls/{world.call.pk}/invitations",
            {"deadline": "2099-01-01T00:00:00Z"},
        ).json()["sent"]
        == 2
    )
    c.force_login(world.cn_officer)
    assert (
        post(
            c,
            f"/api/funding/calls/{world.call.pk}/invitations",
            {"deadline": "2099-01-01T00:00:00Z"},
        ).json()["sent"]
        == 2
    )
    for a in ReviewAssignment.objects.filter(proposal_id=pid):
        c.force_login(a.reviewer)
        assert (
            post(c, f"/api/funding/assignments/{a.pk}/respond", {"accept": True}).status_code == 200
        )
        scores = {str(k.pk): 5 for k in Criterion.objects.filter(call=world.call, funder=a.funder)}
        r = post(c, f"/api/funding/assignments/{a.pk}/review", {"scores": scores})
        assert r.status_code == 201 and r.json()["weighted_score"] == "100.00"
    c.force_login(world.hk_officer)
    assert post(c, f"/api/funding/proposals/{pid}/panel").status_code == 200
    assert c.get(f"/api/funding/calls/{world.call.pk}/portfolio").json()["chosen"] == [pid]
    post(
        c,
        f"/api/funding/proposals/{pid}/decisions",
        {"funder_id": world.hk_funder.pk, "decision": "fund", "reasons": "ok"},
    )
    c.force_login(world.cn_officer)
    r = post(
        c,
        f"/api/funding/proposals/{pid}/decisions",
        {"funder_id": world.cn_funder.pk, "decision": "fund", "reasons": "ok"},
    )
    assert r.json()["proposal_state"] == "awarded"
    # the applicant sees decisions, and no reviews
    c.force_login(world.lead)
    assert c.get(f"/api/funding/proposals/{pid}/reviews").json() == []
    body = c.get(f"/api/funding/proposals/{pid}").json()
    assert body["state"] == "awarded" and len(body["decisions"]) == 2
    # the lead accepts the award; the project starts
    from innobridge.funding.models import Award

    services.accept_award(world.lead, Award.objects.get(proposal_id=pid))
    project = Proposal.objects.get(pk=pid).project
    ms = c.get(f"/api/funding/projects/{project.pk}").json()["milestones"][0]
    r = post(
        c,
        f"/api/funding/projects/{project.pk}/reports",
        {"milestone_id": ms["id"], "summary": "done"},
    )
    assert r.status_code == 201
    c.force_login(world.hk_officer)
    assert (
        post(c, f"/api/funding/reports/{r.json()['id']}/rating", {"rating": "satisfactory"}).json()[
            "rating"
        ]
        == "satisfactory"
    )
    c.logout()
    public = c.get("/api/funding/projects").json()
    assert public[0]["title"] == "API batteries" and "reasons" not in json.dumps(public)


def test_reviewer_cannot_see_unassigned(client, world, submitted):
    client.force_login(world.reviewers_hk[0])
    assert client.get(f"/api/funding/proposals/{submitted.pk}").status_code == 404
    assert client.get("/api/funding/proposals").json() == []


def test_api_member_and_attachment_removal(client, world):
    from innobridge.funding import services

    p = services.create_proposal(world.lead, world.call, title_en="Draft")
    m = services.invite_member(world.lead, p, world.partner)
    services.respond_invitation(world.partner, m, accept=True)
    att = services.add_attachment(world.partner, p, pdf())
    lead_att = services.add_attachment(world.lead, p, pdf())
    # the partner may remove the file they added, not the lead's, and no member
    client.force_login(world.partner)
    assert client.delete(f"/api/funding/attachments/{lead_att.pk}").status_code == 403
    assert client.delete(f"/api/funding/members/{m.pk}").status_code == 403
    assert client.delete(f"/api/funding/attachments/{att.pk}").status_code == 204
    # an outsider does not even see them
    client.force_login(world.outsider)
    assert client.delete(f"/api/funding/attachments/{lead_att.pk}").status_code == 404
    client.force_login(world.lead)
    lead_member = p.members.get(person=world.lead)
    assert client.delete(f"/api/funding/members/{lead_member.pk}").status_code == 422
    assert client.delete(f"/api/funding/members/{m.pk}").status_code == 204
    assert list(p.members.values_list("person__username", flat=True)) == ["lead"]
    # once submitted nothing can be removed
    p2 = services.create_proposal(world.outsider, world.call, title_en="Other")
    a2 = services.add_attachment(world.outsider, p2, pdf())
    p2.state = "submitted"
    p2.save()
    client.force_login(world.outsider)
    assert client.delete(f"/api/funding/attachments/{a2.pk}").status_code == 422
