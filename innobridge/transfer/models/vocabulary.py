"""The controlled, translated vocabularies of the transfer app (filterable everywhere)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """Application fields and sectors of offers and demands."""

    AEROSPACE = "aerospace", _("Aerospace")
    AGRIFOOD = "agrifood", _("Agriculture and food")
    AI_ROBOTICS = "ai_robotics", _("Artificial intelligence and robotics")
    BIOMEDICINE = "biomedicine", _("Biomedicine and health")
    CHEMICALS = "chemicals", _("Chemicals")
    CONSTRUCTION = "construction", _("Construction and built environment")
    ELECTRONICS = "electronics", _("Electronics and semiconductors")
    ENERGY = "energy", _("Energy")
    ENVIRONMENT = "environment", _("Environment and water")
    ICT = "ict", _("Information and communication technology")
    INSTRUMENTS = "instruments", _("Instruments and sensors")
    MANUFACTURING = "manufacturing", _("Advanced manufacturing")
    MATERIALS = "materials", _("Materials")
    TRANSPORT = "transport", _("Transport and logistics")


class IpType(models.TextChoices):
    GRANTED_PATENT = "granted_patent", _("Granted patent")
    PATENT_APPLICATION = "patent_application", _("Patent application")
    KNOW_HOW = "know_how", _("Know-how")
    SOFTWARE = "software", _("Software")
    MATERIALS = "materials", _("Materials")
    DATA = "data", _("Data")


class Jurisdiction(models.TextChoices):
    CN = "CN", _("Mainland China (CNIPA)")
    HK = "HK", _("Hong Kong")
    MO = "MO", _("Macao")
    US = "US", _("United States")
    EP = "EP", _("European patent")
    PCT = "PCT", _("PCT international application")
    JP = "JP", _("Japan")
    KR = "KR", _("Korea")
    GB = "GB", _("United Kingdom")
    OTHER = "OTHER", _("Other")


class PatentStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    PUBLISHED = "published", _("Published application")
    GRANTED = "granted", _("Granted")
    LAPSED = "lapsed", _("Lapsed")
    EXPIRED = "expired", _("Expired")


class DevelopmentStage(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    LAB = "lab", _("Laboratory validation")
    PROTOTYPE = "prototype", _("Prototype")
    PILOT = "pilot", _("Pilot / demonstration")
    MARKET = "market", _("On the market")


class LicensingMode(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive licence")
    NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive licence")
    OPEN = "open", _("Open licence at a published fee")
    EXPRESS = "express", _("Express licence (standard terms)")
    OPTION = "option", _("Option")
    COLLABORATION = "collaboration", _("Collaborative research")
    SPIN_OFF = "spin_off", _("Spin-off")
    ASSIGNMENT = "assignment", _("Assignment")


class DemandMode(models.TextChoices):
    LICENCE = "licence", _("Licence")
    CONTRACT_RESEARCH = "contract_research", _("Contract research")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    BOUNTY = "bounty", _("Bounty (揭榜挂帅)")


class TriageReason(models.TextChoices):
    TOO_VAGUE = "too_vague", _("Too vague: the technical problem is not worked out")
    MULTI_DISCIPLINE = "multi_discipline", _("Spans several disciplines")
    NO_TARGET = "no_target", _("Target specification not measurable")
    OTHER = "other", _("Other")


class PassReason(models.TextChoices):
    TOO_EARLY = "too_early", _("Too early stage")
    BENEFIT_UNCLEAR = "benefit_unclear", _("Benefit over existing technology unclear")
    ROUTE_UNCLEAR = "route_unclear", _("Commercial route unclear")
    TOO_VAGUE = "too_vague", _("Description too vague")
    NOT_OUR_FIELD = "not_our_field", _("Not our field")
    OTHER = "other", _("Other")


class OutcomeType(models.TextChoices):
    LICENCE = "licence", _("Licence")
    COLLABORATION = "collaboration", _("Collaboration")
    SPIN_OFF = "spin_off", _("Spin-off")
    ASSIGNMENT = "assignment", _("Assignment")


class MembershipKind(models.TextChoices):
    TTO = "tto", _("Technology-transfer officer")
    ENTERPRISE = "enterprise", _("Enterprise staff")
