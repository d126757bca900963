"""Every funding e-mail ends with an absolute link (built from settings.SITE_URL) to the
page it is about."""

from __future__ import annotations

from django.core import mail

from innobridge.funding import services
from innobridge.funding.models import AssignmentStatus

from .conftest import complete_proposal
from .steps import eligible, to_review

SITE = "https://innobridge.example.org"


def test_submission_mail_links_to_the_proposal(world, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = SITE + "/"
    p = complete_proposal(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_proposal(world.lead, p)
    assert mail.outbox
    for message in mail.outbox:
        assert message.body.rstrip().endswith(f"{SITE}{p.get_absolute_url()}"), message.body


def test_reviewer_invitation_links_to_the_reviews_page(
    world, submitted, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        p = to_review(world, eligible(world, submitted))
    invited = p.assignments.filter(status=AssignmentStatus.INVITED)
    assert invited.exists()
    bodies = [m.body for m in mail.outbox if m.to == [invited[0].reviewer.email]]
    assert bodies and f"{SITE}/funding/reviews/" in bodies[0]
