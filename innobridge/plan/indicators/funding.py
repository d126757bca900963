"""Joint research (the funding pillar): proposals, awards, money committed, projects."""

from __future__ import annotations

import datetime as dt
from functools import partial

from innobridge.core.figures import Row
from innobridge.funding import selectors as fs

from ..models import Area
from .base import Dimension as D
from .base import Indicator, Text, Unit
from .common import Figure, converted_total, now_only, ratio
from .registry import register

SOURCE = Text(
    "InnoBridge joint funding (proposals, funders' decisions, projects)",
    "InnoBridge 聯合資助（申請、資助機構決定、項目）",
    "InnoBridge 联合资助（申请、资助机构决定、项目）",
)
TEAM = (D.REGION, D.INSTITUTION, D.CITY, D.QUARTER)


def _awarded(as_of: dt.datetime, by: str | None) -> list[Row]:
    return fs.proposals_decided_figure(as_of, by, awarded_only=True)


def _decided(as_of: dt.datetime, by: str | None) -> list[Row]:
    return fs.proposals_decided_figure(as_of, by)


def _committed(currency: str) -> Figure:
    def compute(as_of: dt.datetime, by: str | None) -> list[Row]:
        return fs.funding_committed_figure(as_of, currency, by)

    return compute


register(
    Indicator(
        key="proposals_submitted",
        area=Area.JOINT_RESEARCH,
        name=Text("Joint proposals submitted", "已提交的聯合申請", "已提交的联合申请"),
        unit=Unit.COUNT,
        definition=Text(
            "Joint research proposals submitted to a call, to date.",
            "至今向徵集提交的聯合研究申請數目。",
            "至今向征集提交的联合研究申请数目。",
        ),
        method=Text(
            "Count of proposals with a submission time on or before the day. By side, "
            "institution and city a joint proposal counts once for each side, institution "
            "or city with an accepted team member, so those cells may add up to more "
            "than the total.",
            "計算提交時間在當日或之前的申請。按一方、機構及城市分列時，聯合申請在每個有已接受"
            "邀請成員的一方、機構或城市各計一次，故分項之和可大於總數。",
            "计算提交时间在当日或之前的申请。按一方、机构及城市分列时，联合申请在每个有已接受"
            "邀请成员的一方、机构或城市各计一次，故分项之和可大于总数。",
        ),
        source=SOURCE,
        compute=fs.proposals_submitted_figure,
        breakdowns=TEAM,
        additive=(D.QUARTER,),
    ),
    Indicator(
        key="proposals_awarded",
        area=Area.JOINT_RESEARCH,
        name=Text("Joint proposals awarded", "獲資助的聯合申請", "获资助的联合申请"),
        unit=Unit.COUNT,
        definition=Text(
            "Joint proposals that every side's funder decided to fund, to date.",
            "至今獲雙方資助機構決定資助的聯合申請數目。",
            "至今获双方资助机构决定资助的联合申请数目。",
        ),
        method=Text(
            "Count of proposals in the state “awarded” whose decision time is on or before "
            "the day.",
            "計算狀態為「獲資助」且決定時間在當日或之前的申請。",
            "计算状态为“获资助”且决定时间在当日或之前的申请。",
        ),
        source=SOURCE,
        compute=_awarded,
        breakdowns=TEAM,
        additive=(D.QUARTER,),
    ),
    Indicator(
        key="proposals_decided",
        area=Area.JOINT_RESEARCH,
        name=Text("Joint proposals decided", "已作決定的聯合申請", "已作决定的联合申请"),
        unit=Unit.COUNT,
        definition=Text(
            "Joint proposals with a final decision (awarded or not funded), to date.",
            "至今已有最終決定（獲資助或不獲資助）的聯合申請數目。",
            "至今已有最终决定（获资助或不获资助）的联合申请数目。",
        ),
        method=Text(
            "Count of proposals awarded or not funded whose decision time is on or before the day.",
            "計算決定時間在當日或之前、獲資助或不獲資助的申請。",
            "计算决定时间在当日或之前、获资助或不获资助的申请。",
        ),
        source=SOURCE,
        compute=_decided,
        breakdowns=TEAM,
        additive=(D.QUARTER,),
    ),
    Indicator(
        key="success_rate",
        area=Area.JOINT_RESEARCH,
        name=Text("Success rate of joint proposals", "聯合申請成功率", "联合申请成功率"),
        unit=Unit.PERCENT,
        definition=Text(
            "Share of decided joint proposals that were awarded.",
            "已作決定的聯合申請中獲資助的比例。",
            "已作决定的联合申请中获资助的比例。",
        ),
        method=Text(
            "Proposals awarded ÷ proposals decided × 100, both to the day, to one decimal "
            "place; in each breakdown cell the same ratio over that cell.",
            "獲資助申請 ÷ 已作決定申請 × 100（均計至當日），取一位小數；各分項以該分項計算。",
            "获资助申请 ÷ 已作决定申请 × 100（均计至当日），取一位小数；各分项以该分项计算。",
        ),
        source=SOURCE,
        compute=ratio(_awarded, _decided),
        breakdowns=TEAM,
        public=True,
    ),
    Indicator(
        key="funding_committed_hkd",
        area=Area.JOINT_RESEARCH,
        name=Text(
            "Funding committed in Hong Kong dollars",
            "以港元承諾的資助額",
            "以港元承诺的资助额",
        ),
        unit=Unit.HKD,
        definition=Text(
            "Amounts funders decided to award in HKD to awarded joint proposals, to date.",
            "至今資助機構決定以港元資助獲資助聯合申請的總額。",
            "至今资助机构决定以港元资助获资助联合申请的总额。",
        ),
        method=Text(
            "Sum of the amounts of “fund” decisions in HKD of proposals awarded on or "
            "before the day.",
            "計算於當日或之前獲資助申請中以港元作出的「資助」決定金額之和。",
            "计算于当日或之前获资助申请中以港元作出的“资助”决定金额之和。",
        ),
        source=SOURCE,
        compute=_committed("HKD"),
        breakdowns=(D.REGION, D.QUARTER),
        additive=(D.REGION, D.QUARTER),
    ),
    Indicator(
        key="funding_committed_cny",
        area=Area.JOINT_RESEARCH,
        name=Text("Funding committed in renminbi", "以人民幣承諾的資助額", "以人民币承诺的资助额"),
        unit=Unit.CNY,
        definition=Text(
            "Amounts funders decided to award in CNY to awarded joint proposals, to date.",
            "至今資助機構決定以人民幣資助獲資助聯合申請的總額。",
            "至今资助机构决定以人民币资助获资助联合申请的总额。",
        ),
        method=Text(
            "Sum of the amounts of “fund” decisions in CNY of proposals awarded on or "
            "before the day.",
            "計算於當日或之前獲資助申請中以人民幣作出的「資助」決定金額之和。",
            "计算于当日或之前获资助申请中以人民币作出的“资助”决定金额之和。",
        ),
        source=SOURCE,
        compute=_committed("CNY"),
        breakdowns=(D.REGION, D.QUARTER),
        additive=(D.REGION, D.QUARTER),
    ),
    Indicator(
        key="funding_committed_total_hkd",
        area=Area.JOINT_RESEARCH,
        name=Text(
            "Funding committed, both sides, in HKD",
            "雙方承諾的資助總額（港元）",
            "双方承诺的资助总额（港元）",
        ),
        unit=Unit.HKD,
        definition=Text(
            "All funding committed to awarded joint proposals, converted to HKD.",
            "獲資助聯合申請的全部承諾資助額，折算為港元。",
            "获资助联合申请的全部承诺资助额，折算为港元。",
        ),
        method=Text(
            "HKD committed plus CNY committed converted at the platform's exchange rate in "
            "force on the day (empty when no rate is recorded).",
            "港元承諾額加上按當日平台匯率折算的人民幣承諾額（未有匯率時留空）。",
            "港元承诺额加上按当日平台汇率折算的人民币承诺额（未有汇率时留空）。",
        ),
        source=SOURCE,
        compute=converted_total({"HKD": _committed("HKD"), "CNY": _committed("CNY")}, "HKD"),
        breakdowns=(D.REGION, D.QUARTER),
    ),
)


def _projects(status: str) -> Figure:
    return now_only(partial(fs.projects_by_status_figure, status))


_PROJECT_STATES = [
    (
        fs.ProjectStatus.ON_TRACK,
        Text("Projects on track", "進度正常的項目", "进度正常的项目"),
        Text("on track", "進度正常", "进度正常"),
    ),
    (
        fs.ProjectStatus.LATE,
        Text("Projects late", "進度落後的項目", "进度落后的项目"),
        Text("late (a milestone is overdue)", "落後（有逾期里程碑）", "落后（有逾期里程碑）"),
    ),
    (
        fs.ProjectStatus.COMPLETED,
        Text("Projects completed", "已完成的項目", "已完成的项目"),
        Text("completed", "已完成", "已完成"),
    ),
]

for _status, _name, _what in _PROJECT_STATES:
    register(
        Indicator(
            key=f"projects_{_status.value}",
            area=Area.JOINT_RESEARCH,
            name=_name,
            unit=Unit.COUNT,
            definition=Text(
                f"Funded joint projects whose status is now {_what.en}.",
                f"現時狀態為{_what.zh_hant}的受資助聯合項目數目。",
                f"现时状态为{_what.zh_hans}的受资助联合项目数目。",
            ),
            method=Text(
                "Count of projects in that status when computed (the status is kept up to "
                "date daily by funding_remind); past values come from the daily snapshots.",
                "計算時處於該狀態的項目數目（狀態由 funding_remind 每日更新）；"
                "過往數值來自每日快照。",
                "计算时处于该状态的项目数目（状态由 funding_remind 每日更新）；"
                "过往数值来自每日快照。",
            ),
            source=SOURCE,
            compute=_projects(_status),
            breakdowns=(D.REGION, D.INSTITUTION),
            historical=False,
        )
    )

register(
    Indicator(
        key="joint_institutions",
        area=Area.JOINT_RESEARCH,
        name=Text("Institutions in joint proposals", "參與聯合申請的機構", "参与联合申请的机构"),
        unit=Unit.COUNT,
        definition=Text(
            "Distinct institutions with an accepted team member in a submitted joint "
            "proposal, to date.",
            "至今在已提交聯合申請中有已接受邀請成員的不同機構數目。",
            "至今在已提交联合申请中有已接受邀请成员的不同机构数目。",
        ),
        method=Text(
            "Count of distinct organisations of accepted team members of proposals submitted "
            "on or before the day.",
            "計算於當日或之前提交的申請中已接受邀請成員所屬的不同機構。",
            "计算于当日或之前提交的申请中已接受邀请成员所属的不同机构。",
        ),
        source=SOURCE,
        compute=fs.joint_institutions_figure,
        breakdowns=(D.REGION, D.CITY),
        additive=(D.REGION, D.CITY),
    ),
)
