"""Personnel exchanges (the exchange pillar): applications, places, fellows placed by
direction and type, completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from innobridge.core.figures import Row
from innobridge.exchange import selectors as xs

from ..models import Area
from .base import Dimension as D
from .base import Indicator, Text, Unit
from .common import now_only, percent
from .registry import register

SOURCE = Text(
    "InnoBridge exchanges (programmes, applications, stays)",
    "InnoBridge 人員交流（計劃、申請、交流期）",
    "InnoBridge 人员交流（计划、申请、交流期）",
)
LABELS: dict[str, Callable[[str], str]] = {
    D.DIRECTION: xs.direction_label,
    D.KIND: xs.programme_kind_label,
}
STAY_DIMS = (D.REGION, D.INSTITUTION, D.CITY, D.DIRECTION, D.KIND, D.QUARTER)
CURRENT = Text(
    " A current state: past values come from the daily snapshots.",
    "此為現時狀態：過往數值來自每日快照。",
    "此为现时状态：过往数值来自每日快照。",
)
S = xs.StayState


def _completed(by: str | None) -> list[Row]:
    return xs.stays_in_state_figure([S.COMPLETED], by)


def _ended(by: str | None) -> list[Row]:
    return xs.stays_in_state_figure([S.COMPLETED, S.CANCELLED], by)


def _completion_rate(as_of: dt.datetime, by: str | None) -> list[Row]:
    done = {r.key: r.value for r in _completed(by)}
    rows = [
        Row(r.key, r.label, percent(done.get(r.key) or Decimal(0), r.value)) for r in _ended(by)
    ]
    return rows or ([Row("", "", None)] if by is None else [])


def _fill_rate(as_of: dt.datetime, by: str | None) -> list[Row]:
    placed = {r.key: r.value for r in xs.fellows_placed_figure(by)}
    rows = [
        Row(r.key, r.label, percent(placed.get(r.key) or Decimal(0), r.value))
        for r in xs.places_offered_figure(as_of, by)
    ]
    return rows or ([Row("", "", None)] if by is None else [])


register(
    Indicator(
        key="exchange_applications",
        area=Area.PERSONNEL,
        name=Text("Exchange applications submitted", "已提交的交流申請", "已提交的交流申请"),
        unit=Unit.COUNT,
        definition=Text(
            "Applications to exchange programmes submitted, to date.",
            "至今向交流計劃提交的申請數目。",
            "至今向交流计划提交的申请数目。",
        ),
        method=Text(
            "Count of applications with a submission time on or before the day. By side: "
            "the applicant's home region; by institution: the home institution.",
            "計算提交時間在當日或之前的申請。按一方：申請人所屬地區；按機構：所屬機構。",
            "计算提交时间在当日或之前的申请。按一方：申请人所属地区；按机构：所属机构。",
        ),
        source=SOURCE,
        compute=xs.applications_submitted_figure,
        breakdowns=(D.REGION, D.INSTITUTION, D.DIRECTION, D.KIND, D.QUARTER),
        additive=(D.REGION, D.INSTITUTION, D.DIRECTION, D.KIND, D.QUARTER),
        labels=LABELS,
    ),
    Indicator(
        key="exchange_fellows_placed",
        area=Area.PERSONNEL,
        name=Text("Exchange fellows placed", "已配對的交流人員", "已配对的交流人员"),
        unit=Unit.COUNT,
        definition=Text(
            "Fellows placed with a host (stays not cancelled), by direction and type of programme.",
            "已獲接待單位安排的交流人員（未取消的交流期），按方向及計劃類別分列。",
            "已获接待单位安排的交流人员（未取消的交流期），按方向及计划类别分列。",
        ),
        method=Text(
            "Count of stays not cancelled (as the public list of placed fellows counts "
            "them). By side: the fellow's home region; by institution and city: the host."
            + CURRENT.en,
            "計算未取消的交流期（與公開的已配對人員名單計法相同）。按一方：交流人員所屬地區；"
            "按機構及城市：接待單位。" + CURRENT.zh_hant,
            "计算未取消的交流期（与公开的已配对人员名单计法相同）。按一方：交流人员所属地区；"
            "按机构及城市：接待单位。" + CURRENT.zh_hans,
        ),
        source=SOURCE,
        compute=now_only(xs.fellows_placed_figure),
        breakdowns=STAY_DIMS,
        additive=STAY_DIMS,
        historical=False,
        labels=LABELS,
    ),
    Indicator(
        key="exchange_fellows_on_site",
        area=Area.PERSONNEL,
        name=Text("Fellows on site now", "現正駐留的交流人員", "现正驻留的交流人员"),
        unit=Unit.COUNT,
        definition=Text(
            "Fellows who have arrived at their host and not yet left.",
            "已抵達接待單位而尚未離開的交流人員。",
            "已抵达接待单位而尚未离开的交流人员。",
        ),
        method=Text(
            "Count of stays in the state “on site”." + CURRENT.en,
            "計算狀態為「駐留中」的交流期。" + CURRENT.zh_hant,
            "计算状态为“驻留中”的交流期。" + CURRENT.zh_hans,
        ),
        source=SOURCE,
        compute=now_only(partial(xs.stays_in_state_figure, [S.ON_SITE])),
        breakdowns=STAY_DIMS,
        additive=STAY_DIMS,
        historical=False,
        labels=LABELS,
    ),
    Indicator(
        key="exchange_stays_completed",
        area=Area.PERSONNEL,
        name=Text("Stays completed", "已完成的交流期", "已完成的交流期"),
        unit=Unit.COUNT,
        definition=Text(
            "Exchange stays completed (final reports accepted).",
            "已完成的交流期（總結報告已獲接納）。",
            "已完成的交流期（总结报告已获接纳）。",
        ),
        method=Text(
            "Count of stays in the state “completed”." + CURRENT.en,
            "計算狀態為「已完成」的交流期。" + CURRENT.zh_hant,
            "计算状态为“已完成”的交流期。" + CURRENT.zh_hans,
        ),
        source=SOURCE,
        compute=now_only(_completed),
        breakdowns=STAY_DIMS,
        additive=STAY_DIMS,
        historical=False,
        labels=LABELS,
    ),
    Indicator(
        key="exchange_completion_rate",
        area=Area.PERSONNEL,
        name=Text("Completion rate of stays", "交流期完成率", "交流期完成率"),
        unit=Unit.PERCENT,
        definition=Text(
            "Share of ended stays that were completed rather than cancelled.",
            "已結束的交流期中完成而非取消的比例。",
            "已结束的交流期中完成而非取消的比例。",
        ),
        method=Text(
            "Stays completed ÷ (stays completed + stays cancelled) × 100, to one decimal "
            "place." + CURRENT.en,
            "已完成交流期 ÷（已完成 + 已取消交流期）× 100，取一位小數。" + CURRENT.zh_hant,
            "已完成交流期 ÷（已完成 + 已取消交流期）× 100，取一位小数。" + CURRENT.zh_hans,
        ),
        source=SOURCE,
        compute=_completion_rate,
        breakdowns=(D.DIRECTION, D.KIND),
        historical=False,
        denominator="exchange_stays_completed",
        labels=LABELS,
    ),
    Indicator(
        key="exchange_places_offered",
        area=Area.PERSONNEL,
        name=Text("Exchange places offered", "交流計劃名額", "交流计划名额"),
        unit=Unit.COUNT,
        definition=Text(
            "Places announced by the exchange programmes on the platform, to date.",
            "至今平台上交流計劃公布的名額。",
            "至今平台上交流计划公布的名额。",
        ),
        method=Text(
            "Sum of the places of programmes created on or before the day.",
            "計算於當日或之前設立的計劃名額總和。",
            "计算于当日或之前设立的计划名额总和。",
        ),
        source=SOURCE,
        compute=xs.places_offered_figure,
        breakdowns=(D.DIRECTION, D.KIND, D.QUARTER),
        additive=(D.DIRECTION, D.KIND, D.QUARTER),
        labels=LABELS,
        public=True,
    ),
    Indicator(
        key="exchange_fill_rate",
        area=Area.PERSONNEL,
        name=Text("Places filled", "名額填補率", "名额填补率"),
        unit=Unit.PERCENT,
        definition=Text(
            "Fellows placed as a share of the places programmes announced.",
            "已配對交流人員佔計劃公布名額的比例。",
            "已配对交流人员占计划公布名额的比例。",
        ),
        method=Text(
            "Fellows placed ÷ places offered × 100, to one decimal place." + CURRENT.en,
            "已配對交流人員 ÷ 計劃名額 × 100，取一位小數。" + CURRENT.zh_hant,
            "已配对交流人员 ÷ 计划名额 × 100，取一位小数。" + CURRENT.zh_hans,
        ),
        source=SOURCE,
        compute=_fill_rate,
        breakdowns=(D.DIRECTION, D.KIND),
        historical=False,
        denominator="exchange_fellows_placed",
        labels=LABELS,
    ),
)
