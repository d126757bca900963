"""The people app's audit action names: every ``record_event`` of this app passes a
member of ``PeopleAction`` (values ``people.<noun>.<verb in past tense>``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeopleAction(models.TextChoices):
    PERSON_SIGNED_UP = "people.person.signed_up", _("Signed up")
    PERSON_EMAIL_VERIFIED = "people.person.email_verified", _("E-mail address confirmed")
    PERSON_LANGUAGE_SET = "people.person.language_set", _("Language chosen")
    PERSON_ROLES_ASSIGNED = "people.person.roles_assigned", _("Roles assigned")
    API_TOKEN_CREATED = "people.api_token.created", _("API token created")
    API_TOKEN_REVOKED = "people.api_token.revoked", _("API token revoked")
    ORGANISATIONS_IMPORTED = "people.organisations.imported", _("Organisations imported (ROR)")
    ORGANISATION_REGISTERED = "people.organisation.registered", _("Organisation registered")
    ORGANISATION_UPDATED = "people.organisation.updated", _("Organisation changed")
    RESEARCHER_CREATED = "people.researcher.created", _("Researcher profile created")
    RESEARCHER_UPDATED = "people.researcher.updated", _("Researcher profile changed")
    PUBLICATIONS_ADDED = "people.publications.added", _("Publications added")
    PUBLICATIONS_BULK_IMPORTED = (
        "people.publications.bulk_imported",
        _("Publications imported in bulk"),
    )
    TWO_FACTOR_ENABLED = "people.two_factor.enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "people.two_factor.disabled", _("Two-factor sign-in turned off")
    RECOVERY_CODES_REGENERATED = (
        "people.recovery_codes.regenerated",
        _("New recovery codes made"),
    )
    RECOVERY_CODE_USED = "people.recovery_code.used", _("Recovery code used to log in")
    SECOND_STEP_FAILED = "people.second_step.failed", _("Wrong code at the second log-in step")
    INTRODUCTION_REQUESTED = "people.introduction.requested", _("Introduction requested")
    INTRODUCTION_ACCEPTED = "people.introduction.accepted", _("Introduction accepted")
    INTRODUCTION_DECLINED = "people.introduction.declined", _("Introduction declined")
    INTRODUCTION_WITHDRAWN = "people.introduction.withdrawn", _("Introduction withdrawn")
    CONTACT_DISCLOSED = "people.contact.disclosed", _("Contact details shared")
    PERSON_BLOCKED = "people.person.blocked", _("Person blocked")
    PERSON_UNBLOCKED = "people.person.unblocked", _("Person unblocked")
    SHORTLIST_ADDED = "people.shortlist.added", _("Added to the shortlist")
    SHORTLIST_UPDATED = "people.shortlist.updated", _("Shortlist note changed")
    SHORTLIST_REMOVED = "people.shortlist.removed", _("Removed from the shortlist")
    DISCLOSURES_EXPORTED = (
        "people.disclosures.exported",
        _("Register of personal data disclosures exported"),
    )
