"""Organisations (ROR), people and their accounts, researcher profiles (ORCID),
publications (DOI)."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Region, TimeStampedModel
from innobridge.core.reversing import reverse

ROR_ID_RE = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2 check digit, as ORCID defines it."""
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    check = "X" if result == 10 else str(result)
    return digits[-1] == check


def validate_orcid(value: str) -> None:
    if not ORCID_RE.match(value) or not orcid_checksum_ok(value):
        raise ValidationError(
            _("“%(value)s” is not a valid ORCID iD (0000-0000-0000-0000 with its check digit)."),
            params={"value": value},
        )


def validate_doi(value: str) -> None:
    if not DOI_RE.match(value):
        raise ValidationError(
            _("“%(value)s” is not a DOI (it should look like 10.1234/abcd)."),
            params={"value": value},
        )


def validate_ror_id(value: str) -> None:
    if not ROR_ID_RE.match(value):
        raise ValidationError(_("“%(value)s” is not a ROR id."), params={"value": value})


class OrganisationType(models.TextChoices):
    EDUCATION = "education", _("Education")
    FACILITY = "facility", _("Facility")
    FUNDER = "funder", _("Funder")
    GOVERNMENT = "government", _("Government")
    HEALTHCARE = "healthcare", _("Healthcare")
    COMPANY = "company", _("Company")
    NONPROFIT = "nonprofit", _("Non-profit")
    ARCHIVE = "archive", _("Archive")
    OTHER = "other", _("Other")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Organisation(TimeStampedModel):
    ror_id = models.CharField(
        _("ROR id"), max_length=9, unique=True, null=True, blank=True, validators=[validate_ror_id]
    )
    name = models.CharField(_("name"), max_length=300)
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    acronyms = models.JSONField(_("acronyms"), default=list, blank=True)
    types = models.JSONField(_("types"), default=list, blank=True)
    primary_type = models.CharField(
        _("type"), max_length=20, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
    )
    region = models.CharField(_("region"), max_length=3, choices=Region.choices, db_index=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    established = models.PositiveSmallIntegerField(_("established"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    wikidata = models.CharField(_("Wikidata id"), max_length=20, blank=True)
    parents = models.ManyToManyField(
        "self", symmetrical=False, related_name="children", blank=True, verbose_name=_("parents")
    )
    related = models.ManyToManyField(
        "self", symmetrical=True, blank=True, verbose_name=_("related")
    )
    # Relationships to organisations outside this registry: [{type, ror_id, label}]
    external_relationships = models.JSONField(default=list, blank=True)
    ror_last_modified = models.DateField(null=True, blank=True)
    # Every name folded (NFKC, case, Traditional→Simplified) for script-blind search.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "primary_type"])]

    @property
    def is_active(self) -> bool:
        return self.status == OrganisationStatus.ACTIVE

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:organisation", args=[self.pk])

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""

    def all_names(self) -> list[str]:
        names = [self.name, self.name_zh, *self.other_names, *self.acronyms]
        return [n for n in names if n]


class Person(AbstractUser):
    """An account holder. A person may hold several roles (groups)."""

    display_name = models.CharField(
        _("name as shown"), max_length=150, blank=True, help_text=_("In any script, e.g. 陳大文")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    is_demo = models.BooleanField(
        _("demo account"), default=False, help_text=_("Generated demo person, not a real one.")
    )
    # Self-service sign-ups start unconfirmed and cannot log in until they follow the link
    # e-mailed to them; accounts made by an administrator (and the demo's) are confirmed.
    email_verified = models.BooleanField(
        _("e-mail address confirmed"),
        default=True,
        help_text=_("Unconfirmed accounts cannot log in until the e-mailed link is followed."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # One account per user name and per e-mail address, whatever their case, held by
        # the database so simultaneous sign-ups cannot both win (a password reset or an
        # invitation by e-mail then always finds exactly one person).
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="people_person_username_ci_unique",
                violation_error_message=_("This user name is already taken."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="people_person_email_ci_unique",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class CareerStage(models.TextChoices):
    STUDENT = "student", _("Research student")
    EARLY = "early", _("Early career (up to 7 years after PhD)")
    MID = "mid", _("Mid career")
    SENIOR = "senior", _("Senior / professor")
    INDUSTRY = "industry", _("Industry researcher")


class Language(models.TextChoices):
    EN = "en", "English"
    ZH_HANT = "zh-hant", "繁體中文"
    ZH_HANS = "zh-hans", "简体中文"


class ResearcherProfile(TimeStampedModel):
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="researcher_profile"
    )
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_orcid],
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researchers",
    )
    region = models.CharField(_("region"), max_length=3, choices=Region.choices, db_index=True)
    career_stage = models.CharField(
        _("career stage"), max_length=10, choices=CareerStage.choices, blank=True
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    keywords = models.JSONField(_("research keywords"), default=list, blank=True)
    biography = models.TextField(_("biography"), blank=True)
    biography_language = models.CharField(
        _("language of the biography"), max_length=10, choices=Language.choices, blank=True
    )
    is_public = models.BooleanField(_("listed in the directory"), default=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("researcher profile")
        verbose_name_plural = _("researcher profiles")
        ordering = ["person__display_name", "person__last_name"]

    def __str__(self) -> str:
        return str(self.person)

    def get_absolute_url(self) -> str:
        return reverse("people:researcher", args=[self.pk])

    @property
    def is_demo(self) -> bool:
        return self.person.is_demo


class PublicationSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    ORCID = "orcid", _("ORCID")
    OPENALEX = "openalex", _("OpenAlex")
    CSV = "csv", _("CSV file")
    DATASET = "dataset", _("Open data set")


class Publication(TimeStampedModel):
    doi = models.CharField(
        _("DOI"), max_length=255, unique=True, null=True, blank=True, validators=[validate_doi]
    )
    title = models.TextField(_("title"))
    abstract = models.TextField(_("abstract"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    venue = models.CharField(_("venue"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # Every author as written in the source, in order (co-authors included).
    author_names = models.JSONField(_("authors"), default=list, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=PublicationSource.choices, default="manual"
    )
    source_id = models.CharField(_("id at the source"), max_length=200, blank=True, db_index=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    researchers = models.ManyToManyField(
        ResearcherProfile, through="Authorship", related_name="publications"
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class Authorship(models.Model):
    researcher = models.ForeignKey(ResearcherProfile, on_delete=models.CASCADE)
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("author position"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "publication"], name="people_authorship_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.researcher} – {self.publication}"


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the key is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "ib_" + secrets.token_urlsafe(32)

    def matches(self, key: str) -> bool:
        return secrets.compare_digest(self.key_hash, self.hash_key(key))

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "prefix": self.prefix}


# --- Contacts: introductions, the shortlist, the disclosure register ------------------


class IntroductionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Introduction(TimeStampedModel):
    """One person asks another to be introduced. Contact details are exchanged only when
    the recipient accepts (see ``ContactDisclosure``); a decline carries no reason."""

    requester = models.ForeignKey(
        Person,
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        related_name="introductions_sent",
    )
    recipient = models.ForeignKey(
        Person,
        verbose_name=_("to"),
        on_delete=models.CASCADE,
        related_name="introductions_received",
    )
    message = models.TextField(_("message"), max_length=2000)
    state = models.CharField(
        _("status"),
        max_length=10,
        choices=IntroductionStatus.choices,
        default=IntroductionStatus.PENDING,
        db_index=True,
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-created_at", "-id"]
        constraints = [
            # No duplicate open request between the same two people, held by the database.
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=models.Q(state=IntroductionStatus.PENDING),
                name="people_introduction_one_open",
                violation_error_message=_("You already have an open request to this person."),
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("recipient")),
                name="people_introduction_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("people:introduction", args=[self.pk])


class ContactBlock(models.Model):
    """``blocker`` takes no introduction requests from ``blocked`` (never shown to them)."""

    blocker = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked person")
        verbose_name_plural = _("blocked people")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="people_block_unique")
        ]

    def __str__(self) -> str:
        return f"{self.blocker} ⊘ {self.blocked}"


class ShortlistEntry(TimeStampedModel):
    """A person on someone's shortlist of possible partners, with a private note."""

    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shortlist")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "person"], name="people_shortlist_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.person}"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Separate consent of the person (PIPL Art. 39; PDPO DPP3)")


class ContactDisclosure(models.Model):
    """The register of personal data given from one person to another: whose data
    (``subject``), to whom (``recipient``), which fields, when, on what legal basis and
    with which consent, and whether it crossed a boundary (the two are in different
    regions). Append-only; one row per direction of an accepted introduction."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.PROTECT, related_name="disclosures"
    )
    subject = models.ForeignKey(
        Person, verbose_name=_("whose data"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        Person, verbose_name=_("given to"), on_delete=models.PROTECT, related_name="+"
    )
    subject_region = models.CharField(_("region of the person"), max_length=3, blank=True)
    recipient_region = models.CharField(_("region of the recipient"), max_length=3, blank=True)
    cross_boundary = models.BooleanField(_("across the boundary"), db_index=True)
    fields = models.JSONField(_("fields"), default=list)
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    consent_at = models.DateTimeField(_("consent given"))
    disclosed_at = models.DateTimeField(_("shared"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data disclosure")
        verbose_name_plural = _("personal data disclosures")
        ordering = ["-disclosed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
