"""Fixtures for the funding app: two funders, a joint call, researchers on both sides,
reviewers, and a tiny deterministic embedder (no model is loaded in tests)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from innobridge.matching.text import fold, tokenize_folded

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class FakeEmbedder:
    """Hashed bag of words, L2-normalised: similar words → similar vectors."""

    name = "fake-bow"
    dim = 64

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for tok in tokenize_folded(fold(t)):
                h = int(hashlib.md5(tok.encode()).hexdigest()[:8], 16)
                out[i, h % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


@pytest.fixture(autouse=True)
def _fake_embedder(monkeypatch: Any, settings: Any, tmp_path: Any) -> None:
    from innobridge.funding import matching

    monkeypatch.setattr(matching, "get_embedder", lambda: FakeEmbedder())
    monkeypatch.setattr(matching, "_cache", lambda: None)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def pdf(name: str = "proposal.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class World:
    hk_org: Any
    hk_org2: Any
    cn_org: Any
    cn_org2: Any
    hk_funder: Any
    cn_funder: Any
    hk_officer: Any
    cn_officer: Any
    scheme: Any
    call: Any
    lead: Any  # HK researcher
    partner: Any  # Mainland researcher
    reviewers_hk: list[Any]
    reviewers_cn: list[Any]
    outsider: Any


@pytest.fixture
def make_researcher(make_person: Any) -> Any:
    from innobridge.people.models import ResearcherProfile

    def make(
        username: str,
        org: Any,
        *,
        roles: tuple[str, ...] = ("researcher",),
        keywords: Any = None,
        bio: str = "",
        **extra: Any,
    ) -> Any:
        person = make_person(username, roles=roles, **extra)
        ResearcherProfile.objects.create(
            person=person,
            organisation=org,
            region=org.region,
            keywords=keywords or [],
            biography=bio,
        )
        return person

    return make


@pytest.fixture
def world(db: Any, make_person: Any, make_researcher: Any) -> World:
    from innobridge.funding import services
    from innobridge.funding.models import Funder
    from innobridge.people.models import Organisation

    hk = Organisation.objects.create(
        name="HK University of Science", region="HK", primary_type="education"
    )
    hk2 = Organisation.objects.create(name="HK Polytechnic", region="HK", primary_type="education")
    cn = Organisation.objects.create(
        name="Shenzhen Institute", name_zh="深圳研究院", region="CN", primary_type="education"
    )
    cn2 = Organisation.objects.create(name="Guangzhou Lab", region="CN", primary_type="facility")
    hk_f = Funder.objects.create(name="HK Innovation Fund", side="HK", currency="HKD")
    cn_f = Funder.objects.create(name="Mainland Science Foundation", side="CN", currency="CNY")
    hk_off = make_person("hk_officer", roles=("programme_officer",))
    cn_off = make_person("cn_officer", roles=("programme_officer",))
    hk_f.officers.add(hk_off)
    cn_f.officers.add(cn_off)
    scheme = services.create_scheme(hk_off, name="Joint Scheme", funders=[hk_f, cn_f])
    now = timezone.now()
    call = services.create_call(
        hk_off,
        scheme,
        title="Joint call 2026",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=10),
        sides=[
            {
                "funder": hk_f,
                "budget": "3000000",
                "project_cap": "1200000",
                "reviewers_per_proposal": 2,
            },
            {
                "funder": cn_f,
                "budget": "2500000",
                "project_cap": "1000000",
                "reviewers_per_proposal": 2,
            },
        ],
        review_deadline=now + dt.timedelta(days=40),
    )
    lead = make_researcher("lead", hk, keywords=["graphene", "batteries"])
    partner = make_researcher("partner", cn, keywords=["graphene"])
    topics = [
        ["graphene", "battery", "materials"],
        ["protein", "folding", "biology"],
        ["machine translation", "language"],
    ]
    reviewers_hk = [
        make_researcher(
            f"rhk{i}", hk2, roles=("reviewer",), keywords=topics[i], bio=" ".join(topics[i])
        )
        for i in range(3)
    ]
    reviewers_cn = [
        make_researcher(
            f"rcn{i}", cn2, roles=("reviewer",), keywords=topics[i], bio=" ".join(topics[i])
        )
        for i in range(3)
    ]
    hk_f.reviewer_pool.add(*reviewers_hk)
    cn_f.reviewer_pool.add(*reviewers_cn)
    outsider = make_researcher("outsider", hk2)
    return World(
        hk,
        hk2,
        cn,
        cn2,
        hk_f,
        cn_f,
        hk_off,
        cn_off,
        scheme,
        call,
        lead,
        partner,
        reviewers_hk,
        reviewers_cn,
        outsider,
    )


def complete_proposal(
    w: World, *, title: str = "Graphene batteries", lead: Any = None, partner: Any = None
) -> Any:
    """A draft that passes every rule (partner accepted, budget on both sides)."""
    from innobridge.funding import services

    lead = lead or w.lead
    partner = partner or w.partner
    p = services.create_proposal(
        lead,
        w.call,
        title_en=title,
        abstract_en="Graphene electrodes for fast-charging batteries.",
        keywords=["graphene", "battery"],
        duration_months=24,
    )
    m = services.invite_member(lead, p, partner)
    services.respond_invitation(partner, m, accept=True)
    services.add_budget_line(lead, p, side="HK", category="staff", amount="800000")
    services.add_budget_line(lead, p, side="CN", category="equipment", amount="600000")
    return p


@pytest.fixture
def submitted(world: World) -> Any:
    from innobridge.funding import services

    p = complete_proposal(world)
    return services.submit_proposal(world.lead, p)


@pytest.fixture
def project(world: World, submitted: Any) -> Any:
    """The funded project of ``submitted``: reviewed, both funders fund it."""
    from innobridge.funding import services

    from .steps import to_panel

    p = to_panel(world, submitted)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    p.refresh_from_db()
    return services.accept_award(world.lead, p.award)


def money(value: str) -> Decimal:
    return Decimal(value)
