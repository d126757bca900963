"""Small ROR records in the three shapes the importer reads (modelled on real dump
records, shortened)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HKUST = "00q4vv597"
HKUST_SZ = "00sz56h79"
HKU = "02zhqgq86"
QMH = "02xkx3e48"
NTU_TW = "05bqach95"
OUTSIDE = "0abcdef12"  # an organisation that is never imported

V2_RECORDS: list[dict[str, Any]] = [
    {
        "id": f"https://ror.org/{HKUST}",
        "admin": {
            "created": {"date": "2018-11-14", "schema_version": "1.0"},
            "last_modified": {"date": "2024-12-11", "schema_version": "2.1"},
        },
        "domains": ["hkust.edu.hk"],
        "established": 1991,
        "external_ids": [
            {"all": ["grid.24515.37"], "preferred": "grid.24515.37", "type": "grid"},
            {"all": ["Q1333303"], "preferred": None, "type": "wikidata"},
        ],
        "links": [
            {"type": "wikipedia", "value": "https://en.wikipedia.org/wiki/HKUST"},
            {"type": "website", "value": "https://hkust.edu.hk"},
        ],
        "locations": [
            {
                "geonames_details": {
                    "continent_code": "AS",
                    "country_code": "HK",
                    "country_name": "Hong Kong",
                    "lat": 22.27832,
                    "lng": 114.17469,
                    "name": "Hong Kong",
                },
                "geonames_id": 1819729,
            }
        ],
        "names": [
            {"lang": None, "types": ["acronym"], "value": "HKUST"},
            {
                "lang": "en",
                "types": ["ror_display", "label"],
                "value": "Hong Kong University of Science and Technology",
            },
            {"lang": "zh", "types": ["label"], "value": "香港科技大學"},
            {"lang": "en", "types": ["alias"], "value": "HK Univ. of Sci. & Tech."},
        ],
        "relationships": [
            {
                "label": "HKUST Shenzhen Research Institute",
                "type": "child",
                "id": f"https://ror.org/{HKUST_SZ}",
            },
            {"label": "Somewhere Else Institute", "type": "related", "id": OUTSIDE},
        ],
        "status": "active",
        "types": ["education", "funder"],
    },
    {
        "id": f"https://ror.org/{HKUST_SZ}",
        "admin": {"last_modified": {"date": "2023-05-02", "schema_version": "2.0"}},
        "established": 2001,
        "external_ids": [],
        "links": [{"type": "website", "value": "http://www.szhkust.org.cn"}],
        "locations": [
            {
                "geonames_details": {
                    "country_code": "CN",
                    "country_name": "China",
                    "lat": 22.54554,
                    "lng": 114.0683,
                    "name": "Shenzhen",
                },
                "geonames_id": 1795565,
            }
        ],
        "names": [
            {
                "lang": "en",
                "types": ["ror_display", "label"],
                "value": "HKUST Shenzhen Research Institute",
            },
            {"lang": "zh", "types": ["label"], "value": "香港科技大学深圳研究院"},
        ],
        "relationships": [
            {
                "label": "Hong Kong University of Science and Technology",
                "type": "parent",
                "id": f"https://ror.org/{HKUST}",
            }
        ],
        "status": "active",
        "types": ["facility"],
    },
    {
        "id": f"https://ror.org/{NTU_TW}",
        "established": 1928,
        "locations": [
            {
                "geonames_details": {
                    "country_code": "TW",
                    "country_name": "Taiwan",
                    "lat": 25.04776,
                    "lng": 121.53185,
                    "name": "Taipei",
                },
                "geonames_id": 1668341,
            }
        ],
        "names": [
            {
                "lang": "en",
                "types": ["ror_display", "label"],
                "value": "National Taiwan University",
            },
            {"lang": "zh", "types": ["label"], "value": "國立臺灣大學"},
            {"lang": None, "types": ["acronym"], "value": "NTU"},
        ],
        "relationships": [],
        "status": "active",
        "types": ["education"],
    },
]

V1_RECORDS: list[dict[str, Any]] = [
    {
        "id": f"https://ror.org/{HKU}",
        "name": "University of Hong Kong",
        "email_address": None,
        "ip_addresses": [],
        "established": 1911,
        "types": ["Education"],
        "relationships": [
            {"label": "Queen Mary Hospital", "type": "Related", "id": f"https://ror.org/{QMH}"}
        ],
        "addresses": [
            {
                "lat": 22.28411,
                "lng": 114.13807,
                "state": None,
                "city": "Hong Kong",
                "geonames_city": {"id": 1819729, "city": "Hong Kong"},
                "primary": False,
                "country_geonames_id": 1819730,
            }
        ],
        "links": ["http://www.hku.hk/"],
        "aliases": ["HKU Li Ka Shing"],
        "acronyms": ["HKU"],
        "status": "active",
        "wikipedia_url": "https://en.wikipedia.org/wiki/University_of_Hong_Kong",
        "labels": [{"label": "香港大學", "iso639": "zh"}],
        "country": {"country_name": "Hong Kong", "country_code": "HK"},
        "external_ids": {
            "Wikidata": {"preferred": None, "all": ["Q15568"]},
            "GRID": {"preferred": "grid.194645.b", "all": "grid.194645.b"},
        },
    },
    {
        "id": f"https://ror.org/{QMH}",
        "name": "Queen Mary Hospital",
        "established": 1937,
        "types": ["Healthcare"],
        "relationships": [
            {"label": "University of Hong Kong", "type": "Related", "id": f"https://ror.org/{HKU}"}
        ],
        "addresses": [{"lat": 22.27, "lng": 114.13, "city": "Hong Kong"}],
        "links": [],
        "aliases": [],
        "acronyms": ["QMH"],
        "status": "active",
        "labels": [{"label": "瑪麗醫院", "iso639": "zh"}],
        "country": {"country_name": "Hong Kong", "country_code": "HK"},
        "external_ids": {},
    },
]


def write_json(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def flat(ror_id: str, name: str, **extra: Any) -> dict[str, Any]:
    """A record of the shared normalised file."""
    record = {
        "id": ror_id,
        "name": name,
        "types": ["education"],
        "status": "active",
        "country_code": "HK",
        "country": "Hong Kong",
        "city": "Hong Kong",
        "lat": 22.3,
        "lng": 114.2,
        "schema": "v2",
    }
    record.update(extra)
    return record
