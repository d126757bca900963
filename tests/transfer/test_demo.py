"""The transfer demo: real NASA records under their real owner, demo offers and demands
marked demo, every stage of the pipeline, idempotent."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

needs_data = pytest.mark.skipif(
    not (Path(settings.DATA_DIR) / "patents").exists()
    or not (Path(settings.DATA_DIR) / "csl").exists(),
    reason="settings.DATA_DIR has no patents/ or csl/",
)


@needs_data
def test_demo_seeds_every_stage_idempotently(db: Any) -> None:
    from innobridge.people import demo as people_demo
    from innobridge.people.models import Organisation
    from innobridge.transfer import demo
    from innobridge.transfer.models import Deal, DealState, Demand, Offer

    for ror, zh in {**people_demo.HK_INSTITUTIONS, **people_demo.MAINLAND_INSTITUTIONS}.items():
        region = "HK" if ror in people_demo.HK_INSTITUTIONS else "CN"
        Organisation.objects.create(ror_id=ror, name=f"Org {ror}", name_zh=zh, region=region)
    people_demo.seed_role_accounts()
    people_demo.seed_researchers(scale=0.1)
    out = StringIO()
    demo.seed(out)
    counts = (Offer.objects.count(), Demand.objects.count(), Deal.objects.count())
    demo.seed(out)
    assert (Offer.objects.count(), Demand.objects.count(), Deal.objects.count()) == counts
    nasa = Offer.objects.filter(source__startswith=demo.NASA_SOURCE)
    assert nasa.count() == demo.NASA_LIMIT
    assert {o.owner.name for o in nasa} == {"National Aeronautics and Space Administration"}
    assert not nasa.filter(is_demo=True).exists()
    assert all(o.benefit_value is None and o.trl is None for o in nasa)  # nothing invented
    assert not nasa.filter(inventors__isnull=False).exists()
    assert not nasa.filter(title__contains="javascript:").exists()  # a scraping artefact
    own = Offer.objects.filter(is_demo=True)
    assert own.exists() and all(o.publications.exists() for o in own)
    assert any("open" in o.modes for o in own)
    assert Demand.objects.filter(is_demo=True).count() == 3
    assert set(Demand.objects.values_list("language", flat=True)) == {"en", "zh-hant", "zh-hans"}
    states = set(Deal.objects.values_list("state", flat=True))
    assert {
        DealState.INTEREST,
        DealState.NDA_ACCEPTED,
        DealState.NEGOTIATION,
        DealState.SIGNED,
    } <= states
    assert Deal.objects.filter(outcome_mode="open", state=DealState.SIGNED).exists()
    assert not Deal.objects.filter(offer__in=nasa).exists()  # nobody here would answer
    # the organisations the demo adds are found by name, as the directory's are
    from innobridge.people.selectors import resolve_organisation

    for company in Organisation.objects.filter(ror_id__isnull=True):
        assert resolve_organisation(company.name)[0] == company, company
    assert resolve_organisation("NASA")[0] is not None
