"""Publication import: ORCID works JSON, OpenAlex works JSON, CSV. Each format: a
valid file, a malformed one (clear error, nothing written), DOI de-duplication and
idempotent re-import."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.people.importers import (
    normalise_doi,
    parse_csv,
    parse_openalex,
    parse_orcid,
    reconstruct_abstract,
)
from innobridge.people.models import Authorship, Publication
from innobridge.people.services import PublicationData, add_publications, import_publications

pytestmark = pytest.mark.django_db

NUMPY_DOI = "10.1038/s41586-020-2649-2"


def test_normalise_doi() -> None:
    assert normalise_doi("https://doi.org/10.1038/ABC") == "10.1038/abc"
    assert normalise_doi("doi:10.1/X") == "10.1/x"
    assert normalise_doi("  ") is None and normalise_doi(None) is None


def test_reconstruct_abstract() -> None:
    assert reconstruct_abstract({"world": [1], "Hello": [0], "again": [3], "hello": [2]}) == (
        "Hello world hello again"
    )
    assert reconstruct_abstract(None) == ""


# --- parsers (no database) -------------------------------------------------------


def test_parse_orcid_works(data_file: Any) -> None:
    records = parse_orcid(data_file("orcid_works.json"))
    assert [r.title for r in records] == ["Array programming with NumPy", "粵港澳大灣區的科研合作"]
    numpy = records[0]
    assert numpy.doi == NUMPY_DOI and numpy.year == 2020 and numpy.venue == "Nature"
    assert numpy.source == "orcid" and numpy.source_id == "81234567"
    assert numpy.url.startswith("https://www.nature.com/")
    assert records[1].doi is None and records[1].year == 2021


def test_parse_orcid_single_work_and_list() -> None:
    work = {
        "put-code": 5,
        "title": {"title": {"value": "One work"}},
        "short-description": "An abstract.",
        "publication-date": {"year": {"value": "2018"}},
        "contributors": {"contributor": [{"credit-name": {"value": "Josiah Carberry"}}]},
        "external-ids": {"external-id": []},
    }
    [one] = parse_orcid(json.dumps(work))
    assert one.abstract == "An abstract." and one.author_names == ["Josiah Carberry"]
    assert len(parse_orcid(json.dumps([{"work": work}, work]))) == 2
    assert len(parse_orcid(json.dumps({"bulk": [{"work": work}]}))) == 1


def test_parse_orcid_errors_name_the_group(data_file: Any) -> None:
    from innobridge.people.importers import PublicationFormatError

    with pytest.raises(PublicationFormatError) as info:
        parse_orcid(data_file("orcid_malformed.json"))
    assert info.value.errors == [
        "group 2: year 'twenty' is not a number",
        "group 3: the work has no title (title.title.value)",
    ]
    with pytest.raises(PublicationFormatError, match="no 'group' list"):
        parse_orcid('{"something": 1}')
    with pytest.raises(PublicationFormatError, match="invalid JSON at line 1"):
        parse_orcid("{not json")


def test_parse_openalex_page(data_file: Any) -> None:
    records = parse_openalex(data_file("openalex_works.json"))
    numpy, zh = records
    assert numpy.doi == NUMPY_DOI and numpy.year == 2020 and numpy.venue == "Nature"
    assert numpy.author_names == ["Charles R. Harris", "K. Jarrod Millman", "Travis E. Oliphant"]
    assert numpy.abstract == "Array programming provides a powerful syntax."
    assert numpy.keywords == ["NumPy", "Computer science"]
    assert numpy.licence == "cc-by" and numpy.source_id == "W3083410900"
    assert zh.doi is None and zh.venue == "中国软科学" and zh.language == "zh"
    # a single work and a bare list are accepted too
    page = json.loads(data_file("openalex_works.json"))
    assert len(parse_openalex(json.dumps(page["results"][0]))) == 1
    assert len(parse_openalex(json.dumps(page["results"]))) == 2


def test_parse_openalex_errors(data_file: Any) -> None:
    from innobridge.people.importers import PublicationFormatError

    with pytest.raises(PublicationFormatError) as info:
        parse_openalex(data_file("openalex_malformed.json"))
    assert info.value.errors == [
        "work 2: the work has no display_name or title",
        "work 3: year 'MMXX' is not a number",
    ]


def test_parse_csv_with_bom(data_file: Any) -> None:
    first, second = parse_csv(data_file("publications.csv"))
    assert first.doi == "10.1093/bioinformatics/btab001"
    assert first.author_names == ["Chan Tai Man", "Li Wei"]
    assert first.keywords == ["protein folding", "deep learning"]
    assert first.abstract == "We study folding, at scale."
    assert second.title == "基於圖神經網絡的材料設計" and second.language == "zh-hant"


def test_parse_csv_errors(data_file: Any) -> None:
    from innobridge.people.importers import PublicationFormatError

    with pytest.raises(PublicationFormatError) as info:
        parse_csv(data_file("publications_malformed.csv"))
    assert info.value.errors == ["row 3: year 'abc' is not a number", "row 4: the title is empty"]
    with pytest.raises(PublicationFormatError, match="no 'title' column"):
        parse_csv("name,year\nx,2020\n")
    with pytest.raises(PublicationFormatError, match="not UTF-8"):
        parse_csv("title\nCaf\xe9\n".encode("latin-1"))


# --- import service ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "good", "count"),
    [
        ("orcid", "orcid_works.json", 2),
        ("openalex", "openalex_works.json", 2),
        ("csv", "publications.csv", 2),
    ],
)
def test_import_is_idempotent(
    make_researcher: Any, data_file: Any, fmt: str, good: str, count: int
) -> None:
    profile = make_researcher("owner")
    result = import_publications(profile.person, profile, data_file(good), fmt)  # type: ignore[arg-type]
    assert (result.created, result.linked, result.unchanged) == (count, 0, 0)
    assert profile.publications.count() == count
    again = import_publications(profile.person, profile, data_file(good), fmt)  # type: ignore[arg-type]
    assert (again.created, again.linked, again.unchanged) == (0, 0, count)
    assert Publication.objects.count() == count
    assert AuditEvent.objects.filter(action="people.publications.added").count() == 2


@pytest.mark.parametrize(
    ("fmt", "bad"),
    [
        ("orcid", "orcid_malformed.json"),
        ("openalex", "openalex_malformed.json"),
        ("csv", "publications_malformed.csv"),
    ],
)
def test_malformed_file_writes_nothing(
    make_researcher: Any, data_file: Any, fmt: str, bad: str
) -> None:
    profile = make_researcher("owner")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        import_publications(profile.person, profile, data_file(bad), fmt)  # type: ignore[arg-type]
    assert info.value.messages  # each names its record / row
    assert Publication.objects.count() == 0 and Authorship.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_same_doi_from_two_sources_is_linked_not_duplicated(
    make_researcher: Any, data_file: Any
) -> None:
    a = make_researcher("a")
    b = make_researcher("b")
    import_publications(a.person, a, data_file("orcid_works.json"), "orcid")
    result = import_publications(b.person, b, data_file("openalex_works.json"), "openalex")
    assert (result.created, result.linked) == (1, 1)  # NumPy paper linked by DOI
    numpy = Publication.objects.get(doi=NUMPY_DOI)
    assert set(numpy.researchers.values_list("person__username", flat=True)) == {"a", "b"}
    # blanks of the existing record were completed, nothing overwritten
    assert numpy.author_names[0] == "Charles R. Harris" and numpy.source == "orcid"
    assert numpy.abstract.startswith("Array programming")
    assert Publication.objects.count() == 3


def test_title_and_year_dedupe_and_author_position(make_researcher: Any) -> None:
    profile = make_researcher("li", display_name="Li Wei")
    first = add_publications(
        profile.person,
        profile,
        [PublicationData(title="Graph Networks!", year=2020, author_names=["Chan", "Li Wei"])],
    )
    again = add_publications(
        profile.person, profile, [PublicationData(title="graph networks", year=2020)]
    )
    assert (first.created, again.unchanged) == (1, 1)
    assert Authorship.objects.get().position == 2


def test_all_or_nothing_on_a_bad_record(make_researcher: Any) -> None:
    profile = make_researcher("owner")
    with pytest.raises(ValidationError) as info:
        add_publications(
            profile.person,
            profile,
            [PublicationData(title="Fine", year=2020), PublicationData(title="Bad", doi="nope")],
        )
    assert "record 2" in info.value.messages[0]
    assert Publication.objects.count() == 0


def test_only_owner_may_import(make_researcher: Any, data_file: Any) -> None:
    profile = make_researcher("owner")
    other = make_researcher("other")
    with pytest.raises(PermissionDenied):
        import_publications(other.person, profile, data_file("publications.csv"), "csv")


def test_first_of_several_dois_is_kept(make_researcher: Any) -> None:
    profile = make_researcher("owner")
    add_publications(
        None,
        profile,
        [PublicationData(title="Two DOIs", doi="10.1103/PhysRevD.76.044016 10.1103/other")],
    )
    assert Publication.objects.get().doi == "10.1103/physrevd.76.044016"
