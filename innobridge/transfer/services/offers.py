"""Writes on offers: create and edit (all structured parts validated together), the
researcher → TTO → platform-officer path, TRL history, expiry and renewal, attachments,
logged views of the confidential part, passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.core.uploads import uploads_kept_if_saved
from innobridge.core.workflow import SYSTEM
from innobridge.people.models import Organisation, Publication

from .. import permissions as perm
from ..audit import TransferAction
from ..models import (
    ConfidentialFile,
    ConfidentialView,
    Inventor,
    IpType,
    Jurisdiction,
    LicensingMode,
    MatchPass,
    Offer,
    OfferStatus,
    OfferView,
    PassReason,
    PatentRight,
    PatentStatus,
    Sector,
    TrlChange,
)
from ..workflow import OFFER_FLOW

VALIDITY = dt.timedelta(days=365)
REMINDER_BEFORE = dt.timedelta(days=30)

OFFER_FIELDS = (
    "title",
    "summary",
    "problem",
    "benefit_value",
    "benefit_unit",
    "benefit_compared_with",
    "commercial_route",
    "sectors",
    "keywords",
    "ip_type",
    "trl",
    "trl_evidence",
    "stage",
    "language",
    "modes",
    "licence_fee",
    "licence_currency",
    "licence_terms",
    "confidential_text",
)
PATENT_IP = {IpType.GRANTED_PATENT, IpType.PATENT_APPLICATION}


def _decimal(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not d.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    return d


def validate_inventors(inventors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Inventors need a name and a share; the shares must add up to exactly 100 %."""
    errors: dict[str, list[str]] = {}
    clean: list[dict[str, Any]] = []
    for inv in inventors:
        name = str(inv.get("name") or "").strip()
        person = inv.get("person")
        if not name and person is not None:
            name = str(person)
        share = _decimal(inv.get("share"), "inventors", errors)
        if not name or share is None:
            errors.setdefault("inventors", []).append(_("Every inventor needs a name and a share."))
            continue
        if share <= 0 or share > 100:
            errors.setdefault("inventors", []).append(
                _("A share must be more than 0 % and at most 100 %.")
            )
            continue
        clean.append({"name": name[:200], "person": person, "share": share})
    if not errors:
        if not clean:
            errors["inventors"] = [_("Name at least one inventor.")]
        elif sum(i["share"] for i in clean) != Decimal(100):
            errors["inventors"] = [
                _("The inventors' shares add up to %(total)s %%; they must add up to 100 %%.")
                % {"total": sum(i["share"] for i in clean)}
            ]
    if errors:
        raise ValidationError(errors)
    return clean


def validate_patents(patents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for p in patents:
        number = str(p.get("number") or "").strip()
        if not number:
            continue
        if p.get("jurisdiction") not in Jurisdiction.values:
            raise ValidationError({"patents": [_("Choose the jurisdiction of every patent.")]})
        if p.get("status") not in PatentStatus.values:
            raise ValidationError({"patents": [_("Choose the status of every patent.")]})
        out.append(
            {"number": number[:40], "jurisdiction": p["jurisdiction"], "status": p["status"]}
        )
    return out


REQUIRED_OF_LISTINGS = {
    "benefit_value": gettext_lazy("State the benefit as a number."),
    "benefit_unit": gettext_lazy("Give the unit of the benefit."),
    "benefit_compared_with": gettext_lazy("Say what the benefit is compared with."),
    "trl": gettext_lazy("Declare the TRL (1–9)."),
    "trl_evidence": gettext_lazy("Give the evidence for the TRL."),
    "stage": gettext_lazy("Choose the development stage."),
}


def _validate(
    offer: Offer, patents: list[dict[str, Any]] | None, *, imported: bool = False
) -> None:
    errors: dict[str, list[str]] = {}
    if not imported:
        for name, message in REQUIRED_OF_LISTINGS.items():
            if getattr(offer, name) in (None, ""):
                errors[name] = [str(message)]
    if not offer.sectors or not set(offer.sectors) <= set(Sector.values):
        errors["sectors"] = [_("Choose at least one application field or sector from the list.")]
    if not offer.modes or not set(offer.modes) <= set(LicensingMode.values):
        errors["modes"] = [_("Choose at least one licensing mode.")]
    if set(offer.modes or []) & {LicensingMode.OPEN, LicensingMode.EXPRESS}:
        if offer.licence_fee is None:
            errors["licence_fee"] = [_("An open or express licence needs its published fee.")]
        if not offer.licence_terms.strip():
            errors["licence_terms"] = [_("An open or express licence needs its published terms.")]
    if offer.licence_fee is not None and offer.licence_fee < 0:
        errors["licence_fee"] = [_("A fee cannot be negative.")]
    if offer.ip_type in PATENT_IP and patents is not None and not patents:
        errors["patents"] = [_("A patent or patent application needs its number.")]
    try:
        offer.full_clean(exclude=["owner", "created_by"])
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            if k not in errors:
                errors.setdefault(k, []).extend(v)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def import_offer(
    *,
    owner: Organisation,
    data: dict[str, Any],
    patents: list[dict[str, Any]],
    source: str,
    source_id: str,
) -> Offer:
    """A real record of a public licensing catalogue (e.g. NASA's), published under its
    real owner with what its source states — no benefit, TRL or inventor is invented.
    Idempotent by (source, source_id)."""
    existing = Offer.objects.filter(source=source, source_id=source_id).first()
    if existing is not None:
        return existing
    offer = Offer(owner=owner, source=source, source_id=source_id)
    _apply(offer, data)
    clean_patents = validate_patents(patents)
    _validate(offer, clean_patents, imported=True)
    now = timezone.now()
    offer.state = OfferStatus.PUBLISHED
    offer.published_at = now
    offer.expires_at = now + VALIDITY
    offer.save()
    _write_parts(SYSTEM, offer, None, clean_patents, None)
    record_event(SYSTEM, TransferAction.OFFER_IMPORTED, offer, after=snapshot(offer))
    return offer


def _apply(offer: Offer, data: dict[str, Any]) -> None:
    for key in OFFER_FIELDS:
        if key in data:
            value = data[key]
            if key in {"sectors", "keywords", "modes"}:
                value = [str(v).strip() for v in (value or []) if str(v).strip()]
            if value is None and key not in {"licence_fee", "benefit_value"}:
                value = ""
            setattr(offer, key, value)


def _write_parts(
    actor: Any,
    offer: Offer,
    inventors: list[dict[str, Any]] | None,
    patents: list[dict[str, Any]] | None,
    publications: Iterable[int] | None,
) -> None:
    if inventors is not None:
        offer.inventors.all().delete()
        Inventor.objects.bulk_create(
            Inventor(offer=offer, name=i["name"], person=i["person"], share=i["share"])
            for i in inventors
        )
    if patents is not None:
        offer.patents.all().delete()
        PatentRight.objects.bulk_create(PatentRight(offer=offer, **p) for p in patents)
    if publications is not None:
        offer.publications.set(Publication.objects.filter(pk__in=list(publications)))


@transaction.atomic
def create_offer(
    actor: Any,
    *,
    owner: Organisation,
    data: dict[str, Any],
    inventors: list[dict[str, Any]],
    patents: list[dict[str, Any]] | None = None,
    publications: Iterable[int] = (),
    is_demo: bool = False,
    source: str = "",
    source_id: str = "",
) -> Offer:
    """A new draft offer, every structured part checked together; nothing is written when
    any part is wrong."""
    if actor != SYSTEM:
        perm.require_create_offer(actor, owner.pk)
    clean_inventors = validate_inventors(inventors)
    clean_patents = validate_patents(patents or [])
    offer = Offer(
        owner=owner,
        created_by=actor if getattr(actor, "pk", None) else None,
        is_demo=is_demo,
        source=source,
        source_id=source_id,
    )
    _apply(offer, data)
    _validate(offer, clean_patents)
    offer.save()
    _write_parts(actor, offer, clean_inventors, clean_patents, publications)
    if offer.trl is not None:
        TrlChange.objects.create(
            offer=offer, trl=offer.trl, evidence=offer.trl_evidence, changed_by=offer.created_by
        )
    record_event(actor, TransferAction.OFFER_CREATED, offer, after=snapshot(offer))
    return offer


@transaction.atomic
def update_offer(
    actor: Any,
    offer: Offer,
    *,
    data: dict[str, Any],
    inventors: list[dict[str, Any]] | None = None,
    patents: list[dict[str, Any]] | None = None,
    publications: Iterable[int] | None = None,
) -> Offer:
    """Change an offer; a new TRL is kept in the dated history."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    perm.require_edit_offer(actor, offer)
    before = snapshot(offer)
    old_trl, old_evidence = offer.trl, offer.trl_evidence
    clean_inventors = validate_inventors(inventors) if inventors is not None else None
    clean_patents = validate_patents(patents) if patents is not None else None
    _apply(offer, data)
    _validate(
        offer,
        clean_patents
        if clean_patents is not None
        else [{"number": p.number} for p in offer.patents.all()],
    )
    offer.save()
    _write_parts(actor, offer, clean_inventors, clean_patents, publications)
    if offer.trl is not None and (offer.trl != old_trl or offer.trl_evidence != old_evidence):
        TrlChange.objects.create(
            offer=offer, trl=offer.trl, evidence=offer.trl_evidence, changed_by=actor
        )
        record_event(
            actor,
            TransferAction.OFFER_TRL_CHANGED,
            offer,
            before={"trl": old_trl},
            after={"trl": offer.trl},
        )
    record_event(actor, TransferAction.OFFER_UPDATED, offer, before=before, after=snapshot(offer))
    return offer


_ACTIONS = {
    "submit_to_tto": TransferAction.OFFER_SUBMITTED_TO_TTO,
    "submit": TransferAction.OFFER_SUBMITTED,
    "tto_approve": TransferAction.OFFER_TTO_APPROVED,
    "tto_return": TransferAction.OFFER_TTO_RETURNED,
    "publish": TransferAction.OFFER_PUBLISHED,
    "return": TransferAction.OFFER_RETURNED,
    "reject": TransferAction.OFFER_REJECTED,
    "withdraw": TransferAction.OFFER_WITHDRAWN,
    "renew": TransferAction.OFFER_RENEWED,
    "expire": TransferAction.OFFER_EXPIRED,
}


def move_offer(actor: Any, offer: Offer, action: str, *, note: str = "") -> Offer:
    """Take one step of the offer's lifecycle (the table in ``workflow.OFFER_FLOW``)."""
    if action not in _ACTIONS:
        raise ValidationError(_("Unknown action."))
    changes: dict[str, Any] = {}
    now = timezone.now()
    if action in {"publish", "renew"}:
        changes.update(expires_at=now + VALIDITY, reminder_sent_at=None)
        if action == "publish" or offer.published_at is None:
            changes["published_at"] = now
    if action in {"return", "reject", "tto_return"}:
        if not note.strip():
            raise ValidationError({"note": [_("Say why, so the author can act on it.")]})
        changes["review_note"] = note.strip()[:3000]
    moved = apply_transition(
        actor, offer, OFFER_FLOW, action, audit_action=_ACTIONS[action], **changes
    )
    if action in {"publish", "renew"}:
        from ..notifications import offer_changed

        offer_changed(moved)
    return moved  # type: ignore[return-value]


def expire_and_remind(now: dt.datetime | None = None) -> tuple[int, int]:
    """Daily: expire published offers past their 12 months, remind the owner's TTOs 30
    days before. Returns (expired, reminded)."""
    from ..notifications import send_expiry_reminder

    now = now or timezone.now()
    expired = reminded = 0
    for offer in Offer.objects.filter(state=OfferStatus.PUBLISHED, expires_at__lte=now):
        apply_transition(
            SYSTEM, offer, OFFER_FLOW, "expire", audit_action=TransferAction.OFFER_EXPIRED
        )
        expired += 1
    due = Offer.objects.filter(
        state=OfferStatus.PUBLISHED,
        expires_at__lte=now + REMINDER_BEFORE,
        reminder_sent_at__isnull=True,
    )
    for offer in due:
        with transaction.atomic():
            send_expiry_reminder(offer)
            Offer.objects.filter(pk=offer.pk).update(reminder_sent_at=now)
        reminded += 1
    return expired, reminded


@transaction.atomic
def add_attachment(actor: Any, offer: Offer, *, title: str, upload: Any) -> ConfidentialFile:
    perm.require_edit_offer(actor, offer)
    name = getattr(upload, "name", "") or ""
    head = upload.read(5)
    upload.seek(0)
    if not name.lower().endswith(".pdf") or head != b"%PDF-":
        raise ValidationError({"file": [_("Attach a PDF file.")]})
    att = ConfidentialFile(offer=offer, title=(title or name)[:200], file=upload)
    att.full_clean()  # every check before the file is written
    with uploads_kept_if_saved() as uploads:
        uploads.write_pending(att)
        att.save()
        record_event(actor, TransferAction.OFFER_ATTACHMENT_ADDED, offer, after={"file": att.title})
    return att


@transaction.atomic
def log_confidential_view(actor: Any, offer: Offer, item: str) -> ConfidentialView:
    """Check the actor may see the confidential part and log this view (who, which item,
    when). Every page, API call and export of a confidential item goes through here."""
    perm.require_view_confidential_offer(actor, offer)
    view = ConfidentialView.objects.create(
        offer=offer, item=item[:200], viewer=actor, viewer_repr=str(actor)[:200]
    )
    record_event(actor, TransferAction.OFFER_CONFIDENTIAL_VIEWED, offer, after={"item": item})
    return view


def record_view(actor: Any, offer: Offer) -> None:
    """A signed-in person's first view of a published offer (for the funnel)."""
    if not getattr(actor, "is_authenticated", False) or offer.state != OfferStatus.PUBLISHED:
        return
    if perm.is_owner_tto(actor, offer) or perm.is_author(actor, offer):
        return
    OfferView.objects.get_or_create(offer=offer, viewer=actor)


@transaction.atomic
def pass_offer(actor: Any, offer: Offer, *, reason: str, other_text: str = "") -> MatchPass:
    """Pass on an offer with a reason from the fixed list."""
    if not getattr(actor, "is_authenticated", False):
        raise ValidationError(_("Log in to pass on a match."))
    if reason not in PassReason.values:
        raise ValidationError({"reason": [_("Choose a reason from the list.")]})
    if reason == PassReason.OTHER and not other_text.strip():
        raise ValidationError({"other_text": [_("Say what the other reason is.")]})
    obj, _created = MatchPass.objects.update_or_create(
        offer=offer,
        person=actor,
        defaults={"reason": reason, "other_text": other_text.strip()[:300]},
    )
    record_event(actor, TransferAction.OFFER_PASSED, offer, after={"reason": reason})
    return obj
