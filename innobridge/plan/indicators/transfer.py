"""Transforming research results (the transfer pillar): offers listed, demands posted,
the deal funnel and how long a deal takes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from innobridge.core.figures import Row
from innobridge.transfer import selectors as ts

from ..models import Area
from .base import Dimension as D
from .base import Indicator, Text, Unit
from .common import Figure, ratio
from .registry import register

SOURCE = Text(
    "InnoBridge technology transfer (offers, demands, deals)",
    "InnoBridge 技術轉移（技術成果、企業需求、洽談）",
    "InnoBridge 技术转移（技术成果、企业需求、洽谈）",
)
DEAL_DIMS = (D.REGION, D.INSTITUTION, D.DISCIPLINE, D.QUARTER)
DEAL_LABELS: dict[str, Callable[[str], str]] = {D.DISCIPLINE: ts.sector_label}


def _deals(stage: str) -> Figure:
    def compute(as_of: dt.datetime, by: str | None) -> list[Row]:
        return ts.deals_figure(stage, as_of, by)

    return compute


_STAGES = [
    (
        "interest",
        Text("Expressions of interest", "表達意向", "表达意向"),
        Text(
            "Enterprises' expressions of interest in an offer (each opens a deal), to date.",
            "至今企業對技術成果表達意向的次數（每次開啟一宗洽談）。",
            "至今企业对技术成果表达意向的次数（每次开启一宗洽谈）。",
        ),
        Text("the deal was opened", "洽談開啟", "洽谈开启"),
    ),
    (
        "nda",
        Text("NDAs accepted", "已接受的保密協議", "已接受的保密协议"),
        Text(
            "Deals in which the party accepted the owner's non-disclosure agreement, to date.",
            "至今對方已接受擁有人保密協議的洽談數目。",
            "至今对方已接受拥有人保密协议的洽谈数目。",
        ),
        Text("the NDA was accepted", "接受保密協議", "接受保密协议"),
    ),
    (
        "signed",
        Text("Deals signed", "已簽署的協議", "已签署的协议"),
        Text(
            "Deals that reached a signed licence, assignment or other agreement, to date.",
            "至今達成已簽署許可、轉讓或其他協議的洽談數目。",
            "至今达成已签署许可、转让或其他协议的洽谈数目。",
        ),
        Text("the agreement was signed", "簽署協議", "签署协议"),
    ),
]

for _stage, _name, _definition, _when in _STAGES:
    register(
        Indicator(
            key=f"deals_{_stage}",
            area=Area.RESULTS,
            name=_name,
            unit=Unit.COUNT,
            definition=_definition,
            method=Text(
                f"Count of deals where {_when.en} on or before the day (the TTO funnel's "
                "stage, over every offer). By side: the interested party's organisation.",
                f"計算於當日或之前{_when.zh_hant}的洽談（即技術轉移處漏斗的該階段，涵蓋所有成果）。"
                "按一方：意向方機構所屬地區。",
                f"计算于当日或之前{_when.zh_hans}的洽谈（即技术转移处漏斗的该阶段，涵盖所有成果）。"
                "按一方：意向方机构所属地区。",
            ),
            source=SOURCE,
            compute=_deals(_stage),
            breakdowns=DEAL_DIMS,
            additive=DEAL_DIMS,
            labels=DEAL_LABELS,
        )
    )

register(
    Indicator(
        key="offers_listed",
        area=Area.RESULTS,
        name=Text("Research results listed", "已上架的科研成果", "已上架的科研成果"),
        unit=Unit.COUNT,
        definition=Text(
            "Research results and patents published as offers on the platform, to date.",
            "至今在平台上以技術成果發布的科研成果及專利數目。",
            "至今在平台上以技术成果发布的科研成果及专利数目。",
        ),
        method=Text(
            "Count of offers first published on or before the day, whatever their state "
            "since (withdrawn and expired included).",
            "計算首次發布於當日或之前的成果，不論其後狀態（包括已撤回及已過期）。",
            "计算首次发布于当日或之前的成果，不论其后状态（包括已撤回及已过期）。",
        ),
        source=SOURCE,
        compute=ts.offers_listed_figure,
        breakdowns=(D.REGION, D.INSTITUTION, D.CITY, D.KIND, D.QUARTER),
        additive=(D.REGION, D.INSTITUTION, D.CITY, D.KIND, D.QUARTER),
        labels={str(D.KIND): ts.ip_type_label},
    ),
    Indicator(
        key="demands_posted",
        area=Area.RESULTS,
        name=Text("Enterprise demands posted", "已發布的企業技術需求", "已发布的企业技术需求"),
        unit=Unit.COUNT,
        definition=Text(
            "Technology demands of enterprises published on the platform, to date.",
            "至今在平台上發布的企業技術需求數目。",
            "至今在平台上发布的企业技术需求数目。",
        ),
        method=Text(
            "Count of demands published on or before the day, whatever their state since.",
            "計算發布於當日或之前的需求，不論其後狀態。",
            "计算发布于当日或之前的需求，不论其后状态。",
        ),
        source=SOURCE,
        compute=ts.demands_posted_figure,
        breakdowns=(D.REGION, D.CITY, D.DISCIPLINE, D.QUARTER),
        additive=(D.REGION, D.CITY, D.DISCIPLINE, D.QUARTER),
        labels={str(D.DISCIPLINE): ts.sector_label},
    ),
    Indicator(
        key="deal_conversion",
        area=Area.RESULTS,
        name=Text("Interest that led to a signed deal", "達成簽約的意向比例", "达成签约的意向比例"),
        unit=Unit.PERCENT,
        definition=Text(
            "Share of expressions of interest whose deal has been signed.",
            "表達意向中其後簽約的比例。",
            "表达意向中其后签约的比例。",
        ),
        method=Text(
            "Deals signed ÷ expressions of interest × 100, both to the day, to one decimal place.",
            "已簽署協議 ÷ 表達意向 × 100（均計至當日），取一位小數。",
            "已签署协议 ÷ 表达意向 × 100（均计至当日），取一位小数。",
        ),
        source=SOURCE,
        compute=ratio(_deals("signed"), _deals("interest")),
        breakdowns=DEAL_DIMS,
        denominator="deals_interest",
        labels=DEAL_LABELS,
    ),
    Indicator(
        key="median_days_to_deal",
        area=Area.RESULTS,
        name=Text("Median days to a deal", "達成協議所需日數中位數", "达成协议所需日数中位数"),
        unit=Unit.DAYS,
        definition=Text(
            "Median time from an enterprise's expression of interest to the signed "
            "agreement, over the deals signed to date.",
            "至今已簽署的洽談中，由企業表達意向至簽署協議所需時間的中位數。",
            "至今已签署的洽谈中，由企业表达意向至签署协议所需时间的中位数。",
        ),
        method=Text(
            "Median of (signing time − opening time of the deal) in days, to one decimal "
            "place, over deals signed on or before the day.",
            "計算於當日或之前簽署的洽談（簽署時間 − 洽談開啟時間）日數的中位數，取一位小數。",
            "计算于当日或之前签署的洽谈（签署时间 − 洽谈开启时间）日数的中位数，取一位小数。",
        ),
        source=SOURCE,
        compute=ts.median_days_to_deal_figure,
        breakdowns=(D.REGION, D.QUARTER),
        denominator="deals_signed",
        public=True,
    ),
)
