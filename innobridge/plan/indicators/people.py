"""Indicators read from the people app (publications, identifiers) and Hong Kong's
international advantages: co-authorship across the boundary, partners from Macao and
abroad, internationally identified researchers."""

from __future__ import annotations

import datetime as dt

from innobridge.core.figures import Row
from innobridge.core.models import Region
from innobridge.facilities import selectors as facilities
from innobridge.funding import selectors as funding
from innobridge.people import selectors as people

from ..models import Area
from .base import Dimension as D
from .base import Indicator, Text, Unit
from .registry import register

OUTSIDE = [Region.MACAO.value, Region.INTERNATIONAL.value]


def _publications(as_of: dt.datetime, by: str | None) -> list[Row]:
    return people.cross_boundary_publications_figure(as_of.year, by)


def _international_partners(as_of: dt.datetime, by: str | None) -> list[Row]:
    return funding.joint_institutions_figure(as_of, by, regions=OUTSIDE)


def _international_bookings(as_of: dt.datetime, by: str | None) -> list[Row]:
    return facilities.used_bookings_figure(as_of, by, regions=OUTSIDE)


register(
    Indicator(
        key="cross_boundary_publications",
        area=Area.JOINT_RESEARCH,
        name=Text(
            "Cross-boundary co-authored publications",
            "跨境合著論文",
            "跨境合著论文",
        ),
        unit=Unit.COUNT,
        definition=Text(
            "Publications with at least one author in Hong Kong and one on the Mainland "
            "among the researcher profiles on the platform.",
            "在平台研究人員檔案中，至少有一位香港作者及一位內地作者的論文。",
            "在平台研究人员档案中，至少有一位香港作者及一位内地作者的论文。",
        ),
        method=Text(
            "Count of publications (DOI-identified or imported) linked to a Hong Kong "
            "profile and a Mainland profile, published in or before the day's year. "
            "Publications are recorded when imported, so a past year's value may still grow.",
            "計算連結至香港及內地研究人員檔案、並於當日年份或之前發表的論文。論文於匯入時記錄，"
            "故過往年份的數值仍可能增加。",
            "计算连结至香港及内地研究人员档案、并于当日年份或之前发表的论文。论文于导入时记录，"
            "故过往年份的数值仍可能增加。",
        ),
        source=Text(
            "InnoBridge researcher profiles and publications (ORCID, DOI)",
            "InnoBridge 研究人員檔案及論文（ORCID、DOI）",
            "InnoBridge 研究人员档案及论文（ORCID、DOI）",
        ),
        compute=_publications,
        breakdowns=(D.YEAR,),
        additive=(D.YEAR,),
        historical=False,
    ),
    Indicator(
        key="international_partners",
        area=Area.INTERNATIONAL,
        name=Text(
            "Partners from Macao and abroad in joint proposals",
            "聯合申請中的澳門及海外夥伴",
            "联合申请中的澳门及海外伙伴",
        ),
        unit=Unit.COUNT,
        definition=Text(
            "Distinct institutions in Macao or outside China with an accepted team member "
            "in a submitted joint proposal, to date.",
            "至今在已提交聯合申請中有已接受邀請成員的澳門或海外不同機構數目。",
            "至今在已提交联合申请中有已接受邀请成员的澳门或海外不同机构数目。",
        ),
        method=Text(
            "As institutions in joint proposals, only organisations whose region is Macao "
            "or international.",
            "計法同參與聯合申請的機構，只計地區為澳門或國際的機構。",
            "计法同参与联合申请的机构，只计地区为澳门或国际的机构。",
        ),
        source=Text(
            "InnoBridge joint funding (team members and their organisations, ROR)",
            "InnoBridge 聯合資助（團隊成員及所屬機構，ROR）",
            "InnoBridge 联合资助（团队成员及所属机构，ROR）",
        ),
        compute=_international_partners,
        breakdowns=(D.REGION, D.CITY),
        additive=(D.REGION, D.CITY),
    ),
    Indicator(
        key="international_facility_bookings",
        area=Area.INTERNATIONAL,
        name=Text(
            "Facility bookings by users from Macao and abroad",
            "澳門及海外用戶的設施預約",
            "澳门及海外用户的设施预约",
        ),
        unit=Unit.COUNT,
        definition=Text(
            "Used facility bookings by users whose region is Macao or international, to date.",
            "至今地區為澳門或國際的用戶已使用的設施預約數目。",
            "至今地区为澳门或国际的用户已使用的设施预约数目。",
        ),
        method=Text(
            "Count of used bookings that ended on or before the day, with the region "
            "recorded with the booking Macao or international.",
            "計算於當日或之前結束、預約記錄地區為澳門或國際的已使用預約。",
            "计算于当日或之前结束、预约记录地区为澳门或国际的已使用预约。",
        ),
        source=Text(
            "InnoBridge facilities (bookings with usage recorded)",
            "InnoBridge 設施（已記錄使用的預約）",
            "InnoBridge 设施（已记录使用的预约）",
        ),
        compute=_international_bookings,
        breakdowns=(D.REGION, D.INSTITUTION, D.QUARTER),
        additive=(D.REGION, D.INSTITUTION, D.QUARTER),
    ),
    Indicator(
        key="researchers_with_orcid",
        area=Area.INTERNATIONAL,
        name=Text(
            "Researchers with an ORCID iD", "擁有 ORCID iD 的研究人員", "拥有 ORCID iD 的研究人员"
        ),
        unit=Unit.COUNT,
        definition=Text(
            "Researcher profiles on the platform identified by an ORCID iD, the "
            "international researcher identifier, to date.",
            "至今平台上以國際研究人員識別碼 ORCID iD 識別的研究人員檔案數目。",
            "至今平台上以国际研究人员识别码 ORCID iD 识别的研究人员档案数目。",
        ),
        method=Text(
            "Count of researcher profiles with an ORCID iD created on or before the day "
            "(an iD added later to an older profile counts from the profile's creation).",
            "計算於當日或之前建立、載有 ORCID iD 的研究人員檔案（較後才加入 iD 的舊檔案按建立"
            "日期計算）。",
            "计算于当日或之前建立、载有 ORCID iD 的研究人员档案（较后才加入 iD 的旧档案按建立"
            "日期计算）。",
        ),
        source=Text(
            "InnoBridge researcher profiles (ORCID)",
            "InnoBridge 研究人員檔案（ORCID）",
            "InnoBridge 研究人员档案（ORCID）",
        ),
        compute=people.researchers_with_orcid_figure,
        breakdowns=(D.REGION, D.INSTITUTION),
        additive=(D.REGION, D.INSTITUTION),
        historical=False,
    ),
)
