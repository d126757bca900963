"""Referees: invited by e-mail, upload through a one-time link that needs no account.

The link carries a random token; only its SHA-256 is stored, with an expiry. Re-sending
makes a new token (the old link stops working); an upload uses the token up."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot
from innobridge.core.uploads import uploads_kept_if_saved

from .. import notifications
from ..audit import ExchangeAction
from ..models import Application, ApplicationState, Referee, RefereeState
from ..permissions import require

LINK_DAYS = 21


def _new_token(referee: Referee) -> str:
    token = secrets.token_urlsafe(32)
    referee.token_hash = Referee.hash_token(token)
    referee.expires_at = timezone.now() + dt.timedelta(days=LINK_DAYS)
    referee.invited_at = timezone.now()
    return token


@transaction.atomic
def invite_referee(
    actor: Any, app: Application, *, name: str, email: str, language: str = ""
) -> tuple[Referee, str]:
    require(
        app.applicant_id == getattr(actor, "pk", None)
        and app.state
        in (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.NOMINATED),
        _("Only the applicant invites referees, before review."),
    )
    if email.strip().lower() == (app.applicant.email or "").lower():
        raise ValidationError({"email": _("You cannot be your own referee.")})
    if app.referees.filter(email__iexact=email.strip()).exists():
        raise ValidationError({"email": _("This referee is already invited.")})
    ref = Referee(application=app, name=name.strip(), email=email.strip(), language=language)
    token = _new_token(ref)
    ref.full_clean()
    ref.save()
    record_event(actor, ExchangeAction.REFEREE_INVITED, ref, after={"name": ref.name})
    notifications.referee_invited(ref, token)
    return ref, token


@transaction.atomic
def resend_invitation(actor: Any, referee: Referee) -> str:
    require(referee.application.applicant_id == getattr(actor, "pk", None))
    if referee.state == RefereeState.RECEIVED:
        raise ValidationError(_("This referee has already sent the letter."))
    token = _new_token(referee)
    referee.save()
    record_event(
        actor, ExchangeAction.REFEREE_REINVITED, referee, after={"expires_at": referee.expires_at}
    )
    notifications.referee_invited(referee, token)
    return token


def referee_for_token(token: str) -> Referee:
    """The referee a link is for, or a clear error (unknown, used, or expired)."""
    ref = (
        Referee.objects.select_related("application__programme", "application__applicant")
        .filter(token_hash=Referee.hash_token(token or ""))
        .first()
    )
    if ref is None:
        raise ValidationError(_("This link is not valid or has already been used."))
    if ref.expires_at is None or ref.expires_at < timezone.now():
        raise ValidationError(_("This link has expired. Ask the applicant to send it again."))
    return ref


def _is_pdf(upload: Any) -> bool:
    head = upload.read(5)
    upload.seek(0)
    return bool(head.startswith(b"%PDF"))


@transaction.atomic
def upload_letter(token: str, upload: Any) -> Referee:
    ref = referee_for_token(token)
    ref = Referee.objects.select_for_update().get(pk=ref.pk)
    if not str(upload.name).lower().endswith(".pdf") or not _is_pdf(upload):
        raise ValidationError({"letter": _("Upload a PDF file.")})
    if upload.size > 10 * 1024 * 1024:
        raise ValidationError({"letter": _("A letter may be at most 10 MB.")})
    ref.letter = upload
    ref.state = RefereeState.RECEIVED
    ref.received_at = timezone.now()
    ref.token_hash = ""  # one-time
    ref.full_clean()  # every check before the file is written
    with uploads_kept_if_saved() as uploads:
        uploads.write_pending(ref)
        ref.save()
        record_event(
            f"referee:{ref.email}",
            ExchangeAction.LETTER_UPLOADED,
            ref,
            after=snapshot(ref, ["state", "received_at"]),
        )
    return ref
