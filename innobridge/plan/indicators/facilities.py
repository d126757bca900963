"""Shared innovation resources (the facilities pillar): hours used, by users from the
other side of the boundary, and who they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from innobridge.core.figures import Row
from innobridge.facilities import selectors as fs

from ..models import Area
from .base import Dimension as D
from .base import Indicator, Text, Unit
from .common import now_only, ratio
from .registry import register

SOURCE = Text(
    "InnoBridge facilities (bookings with usage recorded)",
    "InnoBridge 設施（已記錄使用的預約）",
    "InnoBridge 设施（已记录使用的预约）",
)
DIMS = (D.REGION, D.INSTITUTION, D.CITY, D.KIND, D.QUARTER)
OTHER_SIDE = Text(
    "A user is from the other side when the region recorded with the booking differs from "
    "the facility's region.",
    "預約所記錄的用戶地區與設施所在地區不同，即屬另一方用戶。",
    "预约所记录的用户地区与设施所在地区不同，即属另一方用户。",
)
LABELS: dict[str, Callable[[str], str]] = {D.KIND: fs.resource_kind_label}


def _hours(as_of: dt.datetime, by: str | None) -> list[Row]:
    return fs.used_hours_figure(as_of, by)


def _cross_hours(as_of: dt.datetime, by: str | None) -> list[Row]:
    return fs.used_hours_figure(as_of, by, cross_only=True)


def _bookings(as_of: dt.datetime, by: str | None) -> list[Row]:
    return fs.used_bookings_figure(as_of, by)


def _cross_bookings(as_of: dt.datetime, by: str | None) -> list[Row]:
    return fs.used_bookings_figure(as_of, by, cross_only=True)


register(
    Indicator(
        key="facility_hours_used",
        area=Area.SHARED_RESOURCES,
        name=Text("Facility hours used", "設施使用時數", "设施使用时数"),
        unit=Unit.HOURS,
        definition=Text(
            "Hours of facility bookings that were used, to date.",
            "至今已使用的設施預約時數。",
            "至今已使用的设施预约时数。",
        ),
        method=Text(
            "Sum of the booked times of bookings marked used that ended on or before the "
            "day, in hours (as the facility's utilisation report counts used hours).",
            "計算於當日或之前結束、標記為已使用的預約的預約時間總和（小時），與設施使用率報告的"
            "計法相同。",
            "计算于当日或之前结束、标记为已使用的预约的预约时间总和（小时），与设施使用率报告的"
            "计法相同。",
        ),
        source=SOURCE,
        compute=_hours,
        breakdowns=DIMS,
        additive=DIMS,
        labels=LABELS,
    ),
    Indicator(
        key="facility_hours_other_side",
        area=Area.SHARED_RESOURCES,
        name=Text(
            "Facility hours used by users from the other side",
            "另一方用戶的設施使用時數",
            "另一方用户的设施使用时数",
        ),
        unit=Unit.HOURS,
        definition=Text(
            "Hours of used facility bookings by users from the other side of the boundary.",
            "跨境另一方用戶已使用的設施預約時數。",
            "跨境另一方用户已使用的设施预约时数。",
        ),
        method=Text(
            "As facility hours used, only bookings of users from the other side. " + OTHER_SIDE.en,
            "計法同設施使用時數，只計另一方用戶的預約。" + OTHER_SIDE.zh_hant,
            "计法同设施使用时数，只计另一方用户的预约。" + OTHER_SIDE.zh_hans,
        ),
        source=SOURCE,
        compute=_cross_hours,
        breakdowns=DIMS,
        additive=DIMS,
        labels=LABELS,
    ),
    Indicator(
        key="facility_bookings_used",
        area=Area.SHARED_RESOURCES,
        name=Text("Facility bookings used", "已使用的設施預約", "已使用的设施预约"),
        unit=Unit.COUNT,
        definition=Text(
            "Facility bookings that were used, to date.",
            "至今已使用的設施預約數目。",
            "至今已使用的设施预约数目。",
        ),
        method=Text(
            "Count of bookings marked used that ended on or before the day.",
            "計算於當日或之前結束、標記為已使用的預約。",
            "计算于当日或之前结束、标记为已使用的预约。",
        ),
        source=SOURCE,
        compute=_bookings,
        breakdowns=DIMS,
        additive=DIMS,
        labels=LABELS,
    ),
    Indicator(
        key="facility_bookings_other_side",
        area=Area.SHARED_RESOURCES,
        name=Text(
            "Facility bookings by users from the other side",
            "另一方用戶的設施預約",
            "另一方用户的设施预约",
        ),
        unit=Unit.COUNT,
        definition=Text(
            "Used facility bookings by users from the other side of the boundary, to date.",
            "至今跨境另一方用戶已使用的設施預約數目。",
            "至今跨境另一方用户已使用的设施预约数目。",
        ),
        method=Text(
            "Count of used bookings that ended on or before the day, of users from the "
            "other side. " + OTHER_SIDE.en,
            "計算於當日或之前結束、另一方用戶已使用的預約。" + OTHER_SIDE.zh_hant,
            "计算于当日或之前结束、另一方用户已使用的预约。" + OTHER_SIDE.zh_hans,
        ),
        source=SOURCE,
        compute=_cross_bookings,
        breakdowns=DIMS,
        additive=DIMS,
        labels=LABELS,
    ),
    Indicator(
        key="facility_other_side_share",
        area=Area.SHARED_RESOURCES,
        name=Text(
            "Share of facility hours used by the other side",
            "另一方用戶佔設施使用時數的比例",
            "另一方用户占设施使用时数的比例",
        ),
        unit=Unit.PERCENT,
        definition=Text(
            "Share of used facility hours that were used by users from the other side.",
            "已使用設施時數中由另一方用戶使用的比例。",
            "已使用设施时数中由另一方用户使用的比例。",
        ),
        method=Text(
            "Hours used by the other side ÷ hours used × 100, to one decimal place.",
            "另一方用戶使用時數 ÷ 使用時數 × 100，取一位小數。",
            "另一方用户使用时数 ÷ 使用时数 × 100，取一位小数。",
        ),
        source=SOURCE,
        compute=ratio(_cross_hours, _hours),
        breakdowns=(D.INSTITUTION, D.CITY, D.KIND, D.QUARTER),
        denominator="facility_bookings_used",
        labels=LABELS,
    ),
    Indicator(
        key="facility_users_other_side",
        area=Area.SHARED_RESOURCES,
        name=Text(
            "Distinct cross-boundary facility users",
            "跨境設施用戶人數",
            "跨境设施用户人数",
        ),
        unit=Unit.COUNT,
        definition=Text(
            "Distinct people from the other side of the boundary who used a facility, to date.",
            "至今曾使用設施的跨境另一方不同用戶人數。",
            "至今曾使用设施的跨境另一方不同用户人数。",
        ),
        method=Text(
            "Count of distinct bookers of used bookings of users from the other side that "
            "ended on or before the day; a person who used several facilities counts once in "
            "the total and once in each row of a breakdown.",
            "計算於當日或之前結束、另一方用戶已使用預約的不同預約者；使用多個設施的人在總數中"
            "計一次，在分項中每項各計一次。",
            "计算于当日或之前结束、另一方用户已使用预约的不同预约者；使用多个设施的人在总数中"
            "计一次，在分项中每项各计一次。",
        ),
        source=SOURCE,
        compute=fs.cross_border_users_figure,
        breakdowns=DIMS,
        labels=LABELS,
    ),
    Indicator(
        key="facility_resources_bookable",
        area=Area.SHARED_RESOURCES,
        name=Text("Resources open for booking", "可供預約的資源", "可供预约的资源"),
        unit=Unit.COUNT,
        definition=Text(
            "Instruments, laboratories, data sets and compute that can be booked now.",
            "現時可供預約的儀器、實驗室、數據集及計算資源。",
            "现时可供预约的仪器、实验室、数据集及计算资源。",
        ),
        method=Text(
            "Count of bookable resources at published facilities when computed; past "
            "values come from the daily snapshots.",
            "計算時已發布設施中可預約資源的數目；過往數值來自每日快照。",
            "计算时已发布设施中可预约资源的数目；过往数值来自每日快照。",
        ),
        source=SOURCE,
        compute=now_only(fs.bookable_resources_figure),
        breakdowns=(D.REGION, D.INSTITUTION, D.CITY, D.KIND),
        additive=(D.REGION, D.INSTITUTION, D.CITY, D.KIND),
        historical=False,
        labels=LABELS,
    ),
)
