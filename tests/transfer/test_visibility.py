"""Who sees what — one test per rule, through pages, API and exports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.transfer.models import ConfidentialView
from innobridge.transfer.services import accept_deal, accept_nda, express_interest
from tests.pages import page_as

SECRET = "disulfide-bonded polyurethane"


def client_for(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_public_sees_published_offer_without_confidential_part(make_offer: Any) -> None:
    offer = make_offer()
    c = client_for()
    page = c.get(reverse("transfer:offer", args=[offer.pk])).content.decode()
    assert offer.title in page and SECRET not in page
    api = c.get(f"/api/transfer/offers/{offer.pk}").json()
    assert api["title"] == offer.title and "confidential_text" not in api
    assert SECRET not in c.get("/api/transfer/offers").content.decode()


def test_confidential_only_for_owner_tto_and_nda_parties(
    make_offer: Any, people: Any, nda: Any
) -> None:
    offer = make_offer()
    url = reverse("transfer:confidential", args=[offer.pk])
    api = f"/api/transfer/offers/{offer.pk}/confidential"
    for who in ("ent", "ent2", "officer", "researcher"):
        c = client_for(people[who])
        r = c.get(url, follow=True)
        assert SECRET not in r.content.decode()
        assert "NDA" in r.content.decode()  # a clear message
        assert c.get(api).status_code == 403
    assert ConfidentialView.objects.count() == 0
    # the owner's TTO sees it (and the view is logged)
    assert SECRET in client_for(people["tto"]).get(url).content.decode()
    # an enterprise after the NDA sees it
    deal = express_interest(people["ent"], offer, message="interested")
    assert client_for(people["ent"]).get(api).status_code == 403  # interest alone: no
    accept_deal(people["tto"], deal)
    accept_nda(people["ent"], deal, version=nda.version)
    assert SECRET in client_for(people["ent"]).get(url).content.decode()
    assert client_for(people["ent"]).get(api).json()["confidential_text"].startswith("The healing")
    assert client_for(people["ent2"]).get(api).status_code == 403
    logged = list(ConfidentialView.objects.values_list("viewer__username", "item"))
    assert ("tina", "text") in logged and ("eric", "text") in logged
    assert ("eric", "text (API)") in logged


def test_exports_never_hold_the_confidential_part(make_offer: Any, people: Any) -> None:
    offer = make_offer()
    c = client_for(people["tto"])
    for fmt in ("csv", "xlsx"):
        r = c.get(reverse("transfer:offer_funnel", args=[offer.pk]) + f"?format={fmt}")
        assert r.status_code == 200
        assert SECRET.encode() not in r.content
    csv = c.get(reverse("transfer:offer_funnel", args=[offer.pk]) + "?format=csv").content
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    page = c.get(reverse("transfer:offer_funnel", args=[offer.pk])).content.decode()
    assert "data-plotly-figure=" in page and "vendor/plotly/plotly.min.js" in page
    # nobody else gets the funnel
    assert (
        client_for(people["ent"]).get(reverse("transfer:offer_funnel", args=[offer.pk])).status_code
        == 404
    )


def test_enterprise_never_sees_another_enterprises_interest(make_offer: Any, people: Any) -> None:
    offer = make_offer()
    d1 = express_interest(people["ent"], offer, message="Zebra-message-one")
    express_interest(people["ent2"], offer, message="theirs")
    c2 = client_for(people["ent2"])
    assert c2.get(reverse("transfer:deal", args=[d1.pk])).status_code == 404
    assert c2.get(f"/api/transfer/deals/{d1.pk}").status_code == 404
    mine = c2.get("/api/transfer/deals").json()
    assert [d["message"] for d in mine] == ["theirs"]
    page = c2.get(reverse("transfer:offer", args=[offer.pk])).content.decode()
    assert "Zebra-message-one" not in page and "eric" not in page
    # the owner's TTO sees both
    assert len(client_for(people["tto"]).get("/api/transfer/deals").json()) == 2


def test_drafts_and_rejected_only_to_authors_and_moderators(
    make_offer: Any, make_demand: Any, people: Any
) -> None:
    from innobridge.transfer.services import move_offer

    draft = make_offer(publish=False)
    url = reverse("transfer:offer", args=[draft.pk])
    assert client_for().get(url).status_code == 404
    assert client_for(people["ent"]).get(url).status_code == 404
    assert client_for().get(f"/api/transfer/offers/{draft.pk}").status_code == 404
    assert client_for(people["tto"]).get(url).status_code == 200
    submitted = move_offer(people["tto"], draft, "submit")
    assert client_for(people["officer"]).get(url).status_code == 200
    move_offer(people["officer"], submitted, "reject", note="Not a technology")
    assert client_for(people["ent"]).get(url).status_code == 404
    assert client_for(people["tto"]).get(url).status_code == 200
    demand = make_demand(publish=False)
    durl = reverse("transfer:demand", args=[demand.pk])
    assert client_for().get(durl).status_code == 404
    assert client_for(people["ent2"]).get(durl).status_code == 404
    assert client_for(people["officer"]).get(durl).status_code == 200
    assert client_for(people["ent"]).get(durl).status_code == 200


@pytest.mark.parametrize("anonymous", [True, False])
def test_anonymous_demand_hides_the_name(make_demand: Any, people: Any, anonymous: bool) -> None:
    demand = make_demand(is_anonymous=anonymous)
    name = demand.organisation.name
    for c in (client_for(), client_for(people["tto"]), client_for(people["ent2"])):
        page = c.get(reverse("transfer:demand", args=[demand.pk])).content.decode()
        listing = c.get(reverse("transfer:demands")).content.decode()
        api = c.get(f"/api/transfer/demands/{demand.pk}").json()
        assert (name in page) is not anonymous
        assert (name in listing) is not anonymous
        assert (api["company"] == name) is not anonymous
    # its own company always sees its name
    assert (
        name
        in client_for(people["ent"])
        .get(reverse("transfer:demand", args=[demand.pk]))
        .content.decode()
    )


def test_name_revealed_when_both_sides_agree_to_talk(
    make_offer: Any, make_demand: Any, people: Any
) -> None:
    from innobridge.transfer.selectors import demand_company

    demand = make_demand()
    offer = make_offer()
    deal = express_interest(people["ent"], offer, message="for our demand", demand=demand)
    assert demand_company(people["tto"], demand) == demand.anonymous_description
    accept_deal(people["tto"], deal)
    assert demand_company(people["tto"], demand) == demand.organisation.name


def test_offer_page_shows_licensing_modes_by_label_in_each_language(make_offer: Any) -> None:
    """The modes are stored as codes ("non_exclusive"); the page shows their labels."""
    offer = make_offer(modes=["non_exclusive", "exclusive"])
    url = reverse("transfer:offer", args=[offer.pk])
    english = client_for().get(url).content.decode()
    assert "Non-exclusive licence" in english and "Exclusive licence" in english
    assert 'class="badge">non_exclusive<' not in english
    chinese = page_as(url, language="zh-hant")
    assert 'class="badge">exclusive<' not in chinese
    assert "Exclusive licence" not in chinese
