"""The demo seeder: every stage present, idempotent."""

from __future__ import annotations

import io

from innobridge.funding import demo
from innobridge.funding.models import Call, Project, Proposal
from innobridge.people.models import Authorship, Organisation, Publication, ResearcherProfile


def test_demo_seed_is_complete_and_idempotent(make_person, db):
    officer = make_person("demo-officer", roles=("programme_officer",), is_demo=True)
    assert officer.is_demo
    for region in ("HK", "CN"):
        for i in range(4):
            org = Organisation.objects.create(
                name=f"{region} Univ {i}", region=region, primary_type="education"
            )
            for j in range(4):
                p = make_person(f"{region.lower()}r{i}{j}", roles=("researcher",), is_demo=True)
                prof = ResearcherProfile.objects.create(
                    person=p, organisation=org, region=region, keywords=[f"topic{j}"]
                )
                pub = Publication.objects.create(
                    title=f"Study of topic{j} number {i}", abstract=f"topic{j} methods", year=2024
                )
                Authorship.objects.create(researcher=prof, publication=pub)
    out = io.StringIO()
    demo.seed(out)
    assert "open call" in out.getvalue()
    assert Call.objects.count() == 2
    states = set(Proposal.objects.values_list("state", flat=True))
    assert {"submitted", "awarded", "declined", "panel"} <= states
    project = Project.objects.get()
    assert project.reports.filter(rating="satisfactory").exists()
    assert project.disbursements.filter(status="released").count() == 2
    demo.seed(out)
    assert Call.objects.count() == 2 and "already present" in out.getvalue()
