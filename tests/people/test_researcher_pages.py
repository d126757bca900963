"""Researcher pages: listing (filters, HTMX partial), profile, edit, import, in the
three UI languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from innobridge.people.models import Publication, ResearcherProfile
from innobridge.people.services import PublicationData, add_publications
from tests.pages import client_as

pytestmark = pytest.mark.django_db

LANGUAGES = {
    "en": ("Researchers", "Demo researcher"),
    "zh-hant": ("研究人員", None),
    "zh-hans": ("研究人员", None),
}


@pytest.fixture
def demo(make_researcher: Any, cn_org: Any) -> Any:
    chan = make_researcher(
        "chan",
        display_name="陳大文",
        keywords=["材料科學", "machine learning"],
        orcid="0000-0002-1825-0097",
        biography="我研究材料。",
        biography_language="zh-hant",
        is_demo=True,
        career_stage="senior",
        position="Professor",
    )
    li = make_researcher("li", display_name="Li Wei", organisation=cn_org, keywords=["robotics"])
    add_publications(
        None,
        chan,
        [
            PublicationData(
                title="Graph networks for materials",
                abstract="We propose graph networks.",
                year=2021,
                venue="Nature Materials",
                doi="10.1000/graph",
                author_names=["陳大文", "Li Wei"],
                source="dataset",
                licence="CC BY 4.0",
            )
        ],
    )
    return {"chan": chan, "li": li}


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_listing_in_each_language(demo: Any, language: str) -> None:
    response = client_as(language=language).get(reverse("people:researchers"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "陳大文" in html and "Li Wei" in html
    assert 'class="demo-badge"' in html
    assert response.headers["Content-Language"] == language
    profile = client_as(language=language).get(demo["chan"].get_absolute_url())
    assert profile.status_code == 200
    assert "Graph networks for materials" in profile.content.decode()


def test_listing_filters_and_htmx_partial(demo: Any, cn_org: Any) -> None:
    client = Client()
    url = reverse("people:researchers")
    html = client.get(url, {"q": "材料科学"}).content.decode()  # Simplified finds Traditional
    assert "陳大文" in html and "Li Wei" not in html
    html = client.get(url, {"organisation": cn_org.pk}).content.decode()
    assert "Li Wei" in html and "陳大文" not in html.split('id="researcher-results"')[1]
    html = client.get(
        url, {"region": "HK", "career_stage": "senior", "orcid": "1"}
    ).content.decode()
    assert "陳大文" in html
    partial = client.get(url, {"q": "robotics"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and "Li Wei" in text and "陳大文" not in text
    assert client.get(url, {"region": "XX", "organisation": "abc", "page": "99"}).status_code == 200


def test_profile_page_shows_everything(demo: Any) -> None:
    html = Client().get(demo["chan"].get_absolute_url()).content.decode()
    assert "https://orcid.org/0000-0002-1825-0097" in html
    assert 'lang="zh-hant"' in html and "我研究材料。" in html
    assert "https://doi.org/10.1000/graph" in html
    assert "<details" in html and "We propose graph networks." in html
    assert "CC BY 4.0" in html and "Nature Materials" in html
    assert "Demo researcher" in html
    assert demo["chan"].organisation.get_absolute_url() in html
    assert "Edit profile" not in html  # anonymous


def test_hidden_profile_is_404_for_others(demo: Any, client: Client) -> None:
    li = demo["li"]
    li.is_public = False
    li.save()
    assert client.get(li.get_absolute_url()).status_code == 404
    client.force_login(li.person)
    assert client.get(li.get_absolute_url()).status_code == 200


def test_owner_edits_profile(demo: Any, client: Client, cn_org: Any) -> None:
    chan = demo["chan"]
    client.force_login(chan.person)
    page = client.get(chan.get_absolute_url()).content.decode()
    assert "Edit profile" in page and "Import publications" in page
    edit_url = reverse("people:researcher_edit", args=[chan.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        {
            "display_name": "陳大文",
            "orcid": "0000-0002-1825-0097",
            "organisation": "中山大學",  # Traditional name of a Simplified-named organisation
            "career_stage": "mid",
            "position": "Associate Professor",
            "keywords": "robotics, 材料",
            "biography": "New bio",
            "biography_language": "en",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    chan.refresh_from_db()
    assert chan.organisation == cn_org and chan.region == "CN"
    assert chan.keywords == ["robotics", "材料"]


def test_edit_shows_field_errors(demo: Any, client: Client) -> None:
    chan = demo["chan"]
    client.force_login(chan.person)
    response = client.post(
        reverse("people:researcher_edit", args=[chan.pk]),
        {"display_name": "X", "orcid": "0000-0000-0000-0000", "organisation": "Nowhere at all"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-organisation"' in html
    chan.refresh_from_db()
    assert chan.person.display_name == "陳大文"


def test_other_person_cannot_edit_or_import(demo: Any, client: Client) -> None:
    client.force_login(demo["li"].person)
    chan = demo["chan"]
    assert client.get(reverse("people:researcher_edit", args=[chan.pk])).status_code == 403
    assert client.get(reverse("people:researcher_import", args=[chan.pk])).status_code == 403
    assert "Edit profile" not in client.get(chan.get_absolute_url()).content.decode()
    anonymous = Client().get(reverse("people:researcher_edit", args=[chan.pk]))
    assert anonymous.status_code == 302


def test_import_page(demo: Any, client: Client, data_file: Any) -> None:
    li = demo["li"]
    client.force_login(li.person)
    url = reverse("people:researcher_import", args=[li.pk])
    bad = client.post(
        url,
        {
            "format": "csv",
            "file": SimpleUploadedFile("p.csv", data_file("publications_malformed.csv")),
        },
    )
    assert bad.status_code == 200
    assert "row 3: year &#x27;abc&#x27; is not a number" in bad.content.decode()
    assert not li.publications.exists()
    good = client.post(
        url,
        {"format": "orcid", "file": SimpleUploadedFile("w.json", data_file("orcid_works.json"))},
        follow=True,
    )
    assert good.redirect_chain[-1][0] == li.get_absolute_url()
    html = good.content.decode()
    assert "Imported 2 publications: 2 new" in html
    assert "Array programming with NumPy" in html
    assert Publication.objects.count() == 3


def test_my_profile_creation(make_person: Any, client: Client, hk_org: Any) -> None:
    person = make_person("fresh", display_name="Fresh Person")
    client.force_login(person)
    listing = client.get(reverse("people:researchers")).content.decode()
    assert reverse("people:researcher_new") in listing
    response = client.post(
        reverse("people:researcher_new"),
        {
            "display_name": "Fresh Person",
            "organisation": hk_org.ror_id,
            "keywords": "optics",
            "is_public": "on",
        },
    )
    profile = ResearcherProfile.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == profile.get_absolute_url()
    assert profile.organisation == hk_org
    again = client.get(reverse("people:researcher_new"))
    assert again.status_code == 302  # already has one → edit


def test_organisation_options(hk_org: Any, client: Client) -> None:
    html = client.get(reverse("people:organisation_options"), {"organisation": "香港科技大学"})
    assert "The Hong Kong University of Science and Technology" in html.content.decode()


def test_profile_without_organisation_needs_a_region(make_person: Any, client: Client) -> None:
    person = make_person("loner")
    client.force_login(person)
    url = reverse("people:researcher_new")
    response = client.post(url, {"display_name": "Lone Researcher", "keywords": "x"})
    assert response.status_code == 200
    assert 'data-testid="error-region"' in response.content.decode()
    assert not ResearcherProfile.objects.filter(person=person).exists()
    response = client.post(url, {"display_name": "Lone Researcher", "region": "MO"})
    assert response.status_code == 302
    assert ResearcherProfile.objects.get(person=person).region == "MO"


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("en", ["材料科學", "图神经网络"], []),
        ("zh-hant", ["材料科學", "圖神經網絡"], ["图神经网络"]),
        ("zh-hans", ["材料科学", "图神经网络"], ["材料科學"]),
    ],
)
def test_keywords_and_publications_in_the_ui_script(
    demo: Any, language: str, shown: list[str], hidden: list[str]
) -> None:
    # The keyword is stored in Traditional, the title and abstract in Simplified: each is
    # shown in the reader's script (as stored in English), on the listing and the profile.
    add_publications(
        None,
        demo["chan"],
        [PublicationData(title="图神经网络", abstract="我们提出图神经网络。", year=2022)],
    )
    client = client_as(language=language)
    listing = client.get(reverse("people:researchers")).content.decode()
    keyword = shown[0]
    assert f"<span>{keyword}</span>" in listing
    profile = client.get(demo["chan"].get_absolute_url()).content.decode()
    for text in shown:
        assert text in profile
    for text in hidden:
        assert text not in profile.split("<main", 1)[-1].split('name="keywords"')[0]


@pytest.mark.parametrize(
    ("language", "option"),
    [("en", ">Guangzhou</option>"), ("zh-hant", ">廣州</option>"), ("zh-hans", ">广州</option>")],
)
def test_organisation_city_choices_in_the_ui_language(
    cn_org: Any, language: str, option: str
) -> None:
    html = client_as(language=language).get(reverse("people:organisations")).content.decode()
    assert 'value="Guangzhou"' in html and option in html


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "Wan Chai"), ("zh-hant", "灣仔"), ("zh-hans", "湾仔")]
)
def test_hong_kong_district_city_in_the_ui_language(db: Any, language: str, shown: str) -> None:
    from innobridge.people.models import Organisation

    org = Organisation.objects.create(name="Harbour Institute", region="HK", city="Wan Chai")
    html = client_as(language=language).get(org.get_absolute_url()).content.decode()
    assert shown in html
