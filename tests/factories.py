"""factory_boy factories for the main models of people, funding and facilities.

A factory builds a valid row with the fewest decisions made for you; name what matters to
the test and let the rest default::

    officer = PersonFactory(roles=["programme_officer"])
    funder = FunderFactory(officers=[officer])
    call = CallFactory(sides=[funder])            # one CallSide per funder, open now
    proposal = ProposalFactory(call=call, state=ProposalState.SUBMITTED)
    assignment = ReviewAssignmentFactory(proposal=proposal, funder=funder)

Factories write rows directly (no service, no audit event): use them to set a scene; walk
a proposal through its lifecycle with the services (``tests/funding/steps.py``) when the
path itself is under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from innobridge.core.models import Region
from innobridge.facilities import models as fac
from innobridge.funding import models as fun
from innobridge.people import models as ppl

CURRENCY = {Region.HONG_KONG: "HKD", Region.MAINLAND: "CNY"}

# --------------------------------------------------------------------------- people


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = ppl.Organisation

    name = factory.Sequence(lambda n: f"Institute {n}")
    region = Region.HONG_KONG
    primary_type = ppl.OrganisationType.EDUCATION


def organisation(**fields: Any) -> ppl.Organisation:
    """An organisation of the directory, found by its names as an imported one is (its
    ``search_text`` written): ``organisation(name="…", region="CN", ror_id="…")``."""
    return named(ppl.Organisation.objects.create(**fields))


def named(org: ppl.Organisation, **names: Any) -> ppl.Organisation:
    """``org`` with other names (``name_zh="浙江大學"``, ``acronyms=["ZJU"]``), found by
    them in the organisation box (its ``search_text`` written anew), saved."""
    from innobridge.people.services.organisations import organisation_search_text

    for field, value in names.items():
        setattr(org, field, value)
    org.search_text = organisation_search_text(org)
    org.save()
    return org


NAMESAKE_RORS = ("01aaaaa11", "02bbbbb22")


def namesakes(name: str = "Beibu Gulf University") -> tuple[ppl.Organisation, ...]:
    """Two Mainland organisations of one English name, told apart by their ROR ids
    (``NAMESAKE_RORS``): a name the organisation box cannot resolve alone."""
    return tuple(organisation(name=name, region="CN", ror_id=ror) for ror in NAMESAKE_RORS)


class PersonFactory(DjangoModelFactory):
    """An account; ``roles=["reviewer", ...]`` puts it in those groups."""

    class Meta:
        model = ppl.Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda p: f"{p.username}@example.org")
    password = factory.django.Password("a-Strong-passw0rd!")

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or ():
            group, _ = Group.objects.get_or_create(name=str(role))
            self.groups.add(group)


class ResearcherFactory(DjangoModelFactory):
    """A researcher's profile (and its person, with the researcher role)."""

    class Meta:
        model = ppl.ResearcherProfile

    person = factory.SubFactory(PersonFactory, roles=["researcher"])
    organisation = factory.SubFactory(OrganisationFactory)
    region = factory.SelfAttribute("organisation.region")
    keywords = factory.LazyFunction(list)


# --------------------------------------------------------------------------- funding


class FunderFactory(DjangoModelFactory):
    """A funder; ``officers=[person, ...]`` and ``reviewer_pool=[person, ...]``."""

    class Meta:
        model = fun.Funder
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Fund {n}")
    side = Region.HONG_KONG
    currency = factory.LazyAttribute(lambda f: CURRENCY.get(f.side, "HKD"))

    @factory.post_generation
    def officers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            self.officers.add(*extracted)

    @factory.post_generation
    def reviewer_pool(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            self.reviewer_pool.add(*extracted)


class SchemeFactory(DjangoModelFactory):
    class Meta:
        model = fun.Scheme

    name = factory.Sequence(lambda n: f"Scheme {n}")


class CallFactory(DjangoModelFactory):
    """A call open now; ``sides=[funder, ...]`` gives it one side per funder (with the
    default rubric of one criterion per funder)."""

    class Meta:
        model = fun.Call
        skip_postgeneration_save = True

    scheme = factory.SubFactory(SchemeFactory)
    title = factory.Sequence(lambda n: f"Call {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    required_sides = factory.LazyFunction(lambda: [Region.HONG_KONG, Region.MAINLAND])

    @factory.post_generation
    def sides(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for funder in extracted or ():
            CallSideFactory(call=self, funder=funder)
            CriterionFactory(call=self, funder=funder)
            self.scheme.funders.add(funder)


class CallSideFactory(DjangoModelFactory):
    class Meta:
        model = fun.CallSide

    call = factory.SubFactory(CallFactory)
    funder = factory.SubFactory(FunderFactory)
    side = factory.SelfAttribute("funder.side")
    currency = factory.SelfAttribute("funder.currency")
    budget = Decimal("3000000")
    project_cap = Decimal("1000000")


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = fun.Criterion

    call = factory.SubFactory(CallFactory)
    funder = factory.SubFactory(FunderFactory)
    name = "Scientific merit"
    name_zh = "科學價值"
    weight = Decimal("100")


class ProposalFactory(DjangoModelFactory):
    """A proposal (a draft unless ``state=``) whose lead is on its team."""

    class Meta:
        model = fun.Proposal
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    lead = factory.SubFactory(PersonFactory, roles=["researcher"])
    title_en = factory.Sequence(lambda n: f"Proposal {n}")
    abstract_en = "Graphene electrodes for fast-charging batteries."
    duration_months = 24

    @factory.post_generation
    def team(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        TeamMemberFactory(proposal=self, person=self.lead, role=fun.MemberRole.LEAD)


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = fun.TeamMember

    proposal = factory.SubFactory(ProposalFactory)
    person = factory.SubFactory(PersonFactory, roles=["researcher"])
    organisation = factory.SubFactory(OrganisationFactory)
    side = factory.SelfAttribute("organisation.region")
    role = fun.MemberRole.PARTNER_LEAD
    status = fun.InvitationStatus.ACCEPTED


class ReviewAssignmentFactory(DjangoModelFactory):
    """Give it a proposal on a call its funder takes part in when the test declines,
    refills or scores it (the default proposal's call has no side for the funder)."""

    class Meta:
        model = fun.ReviewAssignment

    proposal = factory.SubFactory(ProposalFactory, state=fun.ProposalState.IN_REVIEW)
    reviewer = factory.SubFactory(PersonFactory, roles=["reviewer"])
    funder = factory.SubFactory(FunderFactory)
    status = fun.AssignmentStatus.PROPOSED


class ProjectFactory(DjangoModelFactory):
    """A funded project (its proposal awarded), two years from today."""

    class Meta:
        model = fun.Project

    proposal = factory.SubFactory(ProposalFactory, state=fun.ProposalState.AWARDED)
    title = factory.SelfAttribute("proposal.title_en")
    start_date = factory.LazyFunction(dt.date.today)
    end_date = factory.LazyAttribute(lambda p: p.start_date + dt.timedelta(days=730))


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = fun.Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyAttribute(lambda m: m.project.start_date + dt.timedelta(days=365))


class ChangeRequestFactory(DjangoModelFactory):
    """A pending request to move the project's end date (on the HK side)."""

    class Meta:
        model = fun.ChangeRequest

    project = factory.SubFactory(ProjectFactory)
    kind = fun.ChangeKind.DURATION
    side = Region.HONG_KONG
    description = "Six more months for the field trials."
    new_end_date = factory.LazyAttribute(lambda c: c.project.end_date + dt.timedelta(days=182))
    requested_by = factory.SelfAttribute("project.proposal.lead")


# --------------------------------------------------------------------------- facilities


class FacilityFactory(DjangoModelFactory):
    """A facility; ``managers=[person, ...]``."""

    class Meta:
        model = fac.Facility
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Core lab {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    region = factory.SelfAttribute("organisation.region")

    @factory.post_generation
    def managers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            self.managers.add(*extracted)


class ResourceFactory(DjangoModelFactory):
    """An instrument bookable on the hour at HKD 100 for internal users."""

    class Meta:
        model = fac.Resource
        skip_postgeneration_save = True

    facility = factory.SubFactory(FacilityFactory)
    kind = fac.ResourceKind.INSTRUMENT
    name = factory.Sequence(lambda n: f"Microscope {n}")

    @factory.post_generation
    def tariffs(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for category in extracted if extracted is not None else [fac.UserCategory.INTERNAL]:
            TariffFactory(resource=self, category=category)


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = fac.Tariff

    resource = factory.SubFactory(ResourceFactory, tariffs=[])
    category = fac.UserCategory.INTERNAL
    unit = fac.TariffUnit.HOUR
    price = Decimal("100.00")
    currency = "HKD"


def demo_organisations(*, macao: bool = False) -> None:
    """The organisations the pillars' demos name (the people demo's ROR institutions with
    their Chinese names, the facilities' host organisations), without importing ROR; with
    ``macao`` also a Macao university (the plan counts the three regions)."""
    from innobridge.facilities import demo as facilities_demo
    from innobridge.people import demo as people_demo

    cities = {"HK": "Hong Kong", "CN": "Shenzhen"}
    for ror, zh in {**people_demo.HK_INSTITUTIONS, **people_demo.MAINLAND_INSTITUTIONS}.items():
        region = "HK" if ror in people_demo.HK_INSTITUTIONS else "CN"
        ppl.Organisation.objects.create(
            ror_id=ror, name=f"Org {ror}", name_zh=zh, region=region, city=cities[region]
        )
    for spec in facilities_demo.FACILITIES:
        region = "HK" if "Hong Kong" in spec["org"] else "CN"
        ppl.Organisation.objects.get_or_create(
            name=spec["org"], defaults={"region": region, "city": cities[region]}
        )
    if macao:
        ppl.Organisation.objects.create(name="Universidade de Macau", region="MO", city="Macao")


def seed_pillar_demos(*, macao: bool = False) -> str:
    """Every pillar's demo seeded as ``innobridge demo`` does (a tenth of the researchers,
    organisations from :func:`demo_organisations`, a CNY→HKD rate); returns the seeders'
    log."""
    import io

    from innobridge.core.services import set_exchange_rate
    from innobridge.exchange import demo as exchange_demo
    from innobridge.facilities import demo as facilities_demo
    from innobridge.funding import demo as funding_demo
    from innobridge.people import demo as people_demo
    from innobridge.transfer import demo as transfer_demo

    demo_organisations(macao=macao)
    out = io.StringIO()
    people_demo.seed_role_accounts()
    people_demo.seed_researchers(scale=0.1)
    for module in (funding_demo, facilities_demo, transfer_demo, exchange_demo):
        module.seed(out)
    set_exchange_rate(
        "test", base="CNY", quote="HKD", rate=Decimal("1.08"), valid_from=dt.date(2020, 1, 1)
    )
    return out.getvalue()
