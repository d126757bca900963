"""What the home page shows: for a visitor, what the platform is for and where to start
(open calls with their deadlines, facilities, search); for a signed-in user, their own
work across the pillars (drafts, reviews due, bookings, reports due, requests to handle).

Like ``urls.py`` and ``views.py``, this project-level module may read every app — only
through their selectors — so that ``core`` stays free of the pillars.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.query import EmptyQuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innobridge.core.caching import public_generation
from innobridge.core.language import display_chinese, script_for_language
from innobridge.core.reversing import reverse
from innobridge.exchange import selectors as exchange_selectors
from innobridge.exchange.models import ApplicationState
from innobridge.facilities import selectors as facilities_selectors
from innobridge.funding import selectors as funding_selectors
from innobridge.funding.models import AssignmentStatus, ProposalState
from innobridge.people import selectors as people_selectors
from innobridge.transfer import selectors as transfer_selectors
from innobridge.transfer.models import DealState, MembershipRequestState

SOON = dt.timedelta(days=45)


@dataclass
class Item:
    """One line of a panel: a link, what it is, and when (a deadline or a start)."""

    label: str
    url: str
    note: str = ""
    when: dt.datetime | dt.date | None = None
    urgent: bool = False

    @property
    def when_is_date(self) -> bool:
        """A day (a report's due date), shown without a time (a time format fails on it)."""
        return isinstance(self.when, dt.date) and not isinstance(self.when, dt.datetime)


@dataclass
class Panel:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    more_url: str = ""
    empty: str = ""


def _call_title(call: Any) -> str:
    """A call's (or an exchange programme's) title in the reader's language (Chinese in
    the UI's script in a Chinese UI)."""
    if script_for_language() and call.title_zh:
        return display_chinese(call.title_zh)
    return str(call.title or display_chinese(call.title_zh))


# The public overview is the same for every visitor of one language: it is kept this many
# seconds in the shared cache, so the busiest page does not count the whole directory and
# the publications table for every request, and dropped with the public pages when the
# data they show changes (core/caching.py, the public generation). Nothing personal is in it.
OVERVIEW_CACHE_SECONDS = 60


def public_overview(limit: int = 5) -> dict[str, Any]:
    """Open calls (soonest deadline first), a few facilities, and the directory's counts
    with the regions that have anything in them (cached for ``OVERVIEW_CACHE_SECONDS``,
    per language: call titles are shown in the reader's)."""
    key = f"dashboard:public_overview:{public_generation()}:{translation.get_language()}:{limit}"
    overview = cache.get(key)
    if overview is None:
        overview = _public_overview(limit)
        cache.set(key, overview, OVERVIEW_CACHE_SECONDS)
    return dict(overview)


def _public_overview(limit: int) -> dict[str, Any]:
    calls = list(funding_selectors.open_calls().select_related("scheme")[:limit])
    resources = list(facilities_selectors.catalogue()[:limit])
    stats = people_selectors.directory_stats()
    stats = {
        **stats,
        "regions": [r for r in stats["regions"] if r["organisations"] or r["researchers"]],
    }
    return {
        "calls": [
            {
                "call": c,
                "title": _call_title(c),
                "closes_at": c.closes_at,
                "url": c.get_absolute_url(),
            }
            for c in calls
        ],
        "resources": resources,
        "resource_count": facilities_selectors.catalogue().count(),
        "stats": stats,
    }


def _first(queryset: QuerySet[Any], n: int) -> list[Any]:
    """The first ``n`` rows; none read for a selector's ``.none()`` (a panel whose role the
    user lacks), which Django would still compile before finding it empty (~0.5 ms)."""
    return [] if isinstance(queryset, EmptyQuerySet) else list(queryset[:n])


def _any(queryset: QuerySet[Any]) -> bool:
    return not isinstance(queryset, EmptyQuerySet) and queryset.exists()


def my_work(user: Any, *, now: dt.datetime | None = None) -> list[Panel]:
    """The signed-in user's own work, one panel per kind that has something in it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    panels: list[Panel] = []

    # Each panel reads only the rows and columns it shows (issue #17: the busiest
    # signed-in page; tests/test_dashboard_queries.py bounds its reads).
    proposals = list(
        funding_selectors.my_proposals(user).only(
            "id", "state", "title_en", "title_zh", "created_at", "call__id", "call__closes_at"
        )[:20]
    )
    drafts = [p for p in proposals if p.state == ProposalState.DRAFT]
    submitted = [p for p in proposals if p.state != ProposalState.DRAFT]
    if drafts or submitted:
        items = [
            Item(
                p.title,
                p.get_absolute_url(),
                _("Draft — closes") if p.state == ProposalState.DRAFT else p.get_state_display(),
                p.call.closes_at if p.state == ProposalState.DRAFT else None,
                urgent=p.state == ProposalState.DRAFT
                and p.call.closes_at - now < dt.timedelta(days=7),
            )
            for p in drafts + submitted[:5]
        ]
        panels.append(Panel("proposals", _("My proposals"), items, reverse("funding:home")))

    # The lists most people have nothing in are read only when the app's per-person facts
    # say they may have (issue #17: each read costs the page ~1.5 ms of CPU).
    funding_reads = funding_selectors.home_reads(user)
    reviews: list[Any] = []
    if funding_reads["reviews"]:
        reviews = list(
            funding_selectors.my_assignments(user)
            .filter(status__in=[AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED])
            .select_related(None)
            .select_related("proposal")
            .only(
                "id",
                "status",
                "deadline",
                "proposal__id",
                "proposal__title_en",
                "proposal__title_zh",
            )[:8]
        )
    if reviews:
        panels.append(
            Panel(
                "reviews",
                _("Reviews due"),
                [
                    Item(
                        a.proposal.title,
                        reverse("funding:review", args=[a.pk])
                        if a.status == AssignmentStatus.ACCEPTED
                        else reverse("funding:reviews"),
                        a.get_status_display(),
                        a.deadline,
                        urgent=bool(a.deadline and a.deadline - now < dt.timedelta(days=3)),
                    )
                    for a in reviews[:8]
                ],
                reverse("funding:reviews"),
            )
        )

    reports = []
    projects = funding_selectors.team_projects(user)[:20] if funding_reads["projects"] else []
    for project in projects:
        for m in project.milestones.all():
            if m.accepted_report() is None and m.due_date - today <= dt.timedelta(days=60):
                reports.append(
                    Item(
                        f"{project.title} · {m.title}",
                        project.get_absolute_url(),
                        _("Report due"),
                        m.due_date,
                        urgent=m.due_date < today,
                    )
                )
    if reports:
        panels.append(Panel("reports", _("Reports due"), reports[:8], reverse("funding:projects")))

    bookings = facilities_selectors.my_open_bookings(user, now=now, limit=8)
    if bookings:
        panels.append(
            Panel(
                "bookings",
                _("My bookings"),
                [
                    Item(
                        b.resource.display_name(),
                        reverse("facilities:booking", args=[b.pk]),
                        b.get_status_display(),
                        b.starts_at,
                    )
                    for b in bookings
                ],
                reverse("facilities:my_bookings"),
            )
        )

    if _any(facilities_selectors.managed_facilities(user)):
        queue = facilities_selectors.manager_queue(user)
        requests = list(queue["requests"][:8])
        panels.append(
            Panel(
                "manage",
                _("Booking requests to decide"),
                [
                    Item(
                        f"{b.resource.display_name()} · {b.booker}",
                        reverse("facilities:booking", args=[b.pk]),
                        b.get_status_display(),
                        b.starts_at,
                    )
                    for b in requests
                ],
                reverse("facilities:manage"),
                empty=_("No requests waiting."),
            )
        )

    calls = _first(funding_selectors.officer_calls(user), 8)
    if calls:
        panels.append(
            Panel(
                "calls",
                _("Calls I run"),
                [
                    Item(
                        _call_title(c), reverse("funding:call_manage", args=[c.pk]), "", c.closes_at
                    )
                    for c in calls
                ],
                reverse("funding:home"),
            )
        )
    exchange = exchange_panel(user, today)
    if exchange is not None:
        panels.append(exchange)
    tto = transfer_tto_panel(user)
    if tto is not None:
        panels.append(tto)
    waiting = transfer_party_panel(user)
    if waiting is not None:
        panels.append(waiting)
    matches = transfer_enterprise_panel(user)
    if matches is not None:
        panels.append(matches)
    linking = transfer_membership_panel(user)
    if linking is not None:
        panels.append(linking)
    return panels


def transfer_membership_panel(user: Any) -> Panel | None:
    """For an administrator: the requests to act for an organisation that wait for a
    decision. For someone who signed up as an enterprise user and acts for no company yet:
    the way to ask (or where their request stands). Nothing read for anyone else."""
    if transfer_selectors.decides_membership_requests(user):
        waiting = list(transfer_selectors.waiting_membership_requests(user)[:6])
        if not waiting:
            return None
        return Panel(
            "transfer-membership-requests",
            _("Requests to act for an organisation"),
            [
                Item(
                    f"{r.requester} → {r.organisation_name}",
                    reverse("transfer:membership_requests"),
                    _("waiting since"),
                    r.created_at,
                )
                for r in waiting
            ],
            reverse("transfer:membership_requests"),
        )
    if not transfer_selectors.unlinked_enterprise_user(user):
        return None
    latest = transfer_selectors.membership_requests_of(user).first()
    if latest is not None and latest.state == MembershipRequestState.SUBMITTED:
        item = Item(
            latest.organisation_name,
            reverse("transfer:membership_request"),
            _("your request waits for an administrator, since"),
            latest.created_at,
        )
    else:
        item = Item(
            _("Ask to act for your company, or register it"),
            reverse("transfer:membership_request"),
            latest.decision_note if latest is not None else "",
        )
    return Panel(
        "transfer-membership",
        _("Link your account to your company"),
        [item],
        reverse("transfer:membership_request"),
    )


def transfer_party_panel(user: Any) -> Panel | None:
    """For an enterprise user: their deals that wait for them — the NDA to accept after the
    TTO accepted their interest, published terms to accept (only Notices said so); one
    read, shown only when something waits."""
    deals = _first(transfer_selectors.deals_waiting_for_party(user), 6)
    if not deals:
        return None
    return Panel(
        "transfer-party",
        _("Technology transfer: your turn"),
        [
            Item(
                d.offer.title,
                d.get_absolute_url(),
                _("Interest accepted — accept the NDA to go on, since")
                if d.state == DealState.ACCEPTED
                else _("Terms offered — accept them to sign, since"),
                d.accepted_at or d.created_at,
            )
            for d in deals
        ],
        reverse("transfer:mine"),
    )


def transfer_tto_panel(user: Any) -> Panel | None:
    """For a technology-transfer officer: the offers waiting for their approval and the
    interest waiting for an answer (the home page said "nothing waiting" while an
    enterprise's interest went unanswered); nothing read for anyone else."""
    if not transfer_selectors.is_tto(user):
        return None
    offers = list(transfer_selectors.moderation_queue(user)["tto_offers"].only("id", "title")[:6])
    deals = list(transfer_selectors.deals_to_answer(user)[:6])
    items = [
        Item(o.title, o.get_absolute_url(), _("approve for your organisation")) for o in offers
    ]
    items += [
        Item(
            f"{d.offer.title} · {d.party}",
            d.get_absolute_url(),
            _("Interest to answer since"),
            d.created_at,
        )
        for d in deals
    ]
    return Panel(
        "transfer-tto",
        _("Technology transfer: waiting for you"),
        items,
        reverse("transfer:mine"),
        empty=_("Nothing waits for you now; your offers, deals and funnel are on My transfer."),
    )


def exchange_panel(user: Any, today: dt.date) -> Panel | None:
    """The user's exchange applications under way: a draft to submit before the deadline,
    an offer to answer by its reply date (both urgent within a week), else the state."""
    if not exchange_selectors.has_applied(user):
        return None
    apps = list(exchange_selectors.open_applications(user)[:6])
    if not apps:
        return None
    items = []
    for a in apps:
        url = reverse("exchange:application", args=[a.pk])
        reply_by: dt.date | None = getattr(a, "reply_by", None)  # annotated by the selector
        if reply_by is not None:
            items.append(
                Item(
                    _call_title(a.programme),
                    url,
                    _("Offer made — reply by"),
                    reply_by,
                    urgent=reply_by - today < dt.timedelta(days=7),
                )
            )
        elif a.state == ApplicationState.DRAFT:
            close = a.programme.applications_close
            items.append(
                Item(
                    _call_title(a.programme),
                    url,
                    _("Draft — applications close"),
                    close,
                    urgent=close - today < dt.timedelta(days=7),
                )
            )
        else:
            items.append(Item(_call_title(a.programme), url, a.get_state_display()))
    return Panel("exchange", _("My exchange applications"), items, reverse("exchange:home"))


def transfer_enterprise_panel(user: Any) -> Panel | None:
    """For an enterprise member: the strong technology matches pushed for the company's
    demands (newest first), and the way to all matches of its demands."""
    if not _any(transfer_selectors.enterprise_demands(user)):
        return None
    notices = transfer_selectors.my_notices(user).filter(side="demand")[:6]
    return Panel(
        "transfer-matches",
        _("Technology matches for my demands"),
        [
            Item(
                n.match.offer.title,
                n.match.offer.get_absolute_url(),
                _("Strong match for: %(demand)s") % {"demand": n.match.demand.title},
                n.created_at,
            )
            for n in notices
        ],
        reverse("transfer:matches"),
        empty=_("No new strong match yet: see how the offers rank for each demand."),
    )


def partners_panel_fits(user: Any, profile: str) -> bool:
    """Whether the home page offers "Partners for you": to whoever has a researcher
    profile, and to those for whom one makes sense (not an enterprise user or a TTO)."""
    return bool(profile) or people_selectors.researcher_profile_fits(user)


def my_profile(user: Any) -> str:
    """The address of the user's researcher profile, or "" (its partner search is the "new
    matches"); kept per person in the shared cache, as for the header's link."""
    return people_selectors.own_profile_url(user)
