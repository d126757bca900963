"""Applications: drafts, ranked preferences, PDF documents, submission (eligibility and
completeness), withdrawal, nomination by the home institution."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.core.uploads import uploads_kept_if_saved

from .. import eligibility, notifications
from ..audit import ExchangeAction
from ..models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Placement,
    PlacementState,
    Preference,
    Programme,
)
from ..permissions import can_edit_application, require
from ..workflow import APPLICATION_FLOW

EDITABLE = {
    "statement",
    "birth_date",
    "phd_date",
    "career_stage",
    "home_region",
    "home_organisation",
    "languages",
    "public_consent",
}


def _open(programme: Programme) -> None:
    today = timezone.localdate()
    if not programme.applications_open <= today <= programme.applications_close:
        raise ValidationError(
            _("Applications to this programme are open from %(a)s to %(b)s.")
            % {"a": programme.applications_open, "b": programme.applications_close}
        )


@transaction.atomic
def start_application(actor: Any, programme: Programme, **fields: Any) -> Application:
    if not getattr(actor, "is_authenticated", False):
        raise ValidationError(_("Sign in to apply."))
    _open(programme)
    if Application.objects.filter(programme=programme, applicant=actor).exists():
        raise ValidationError(_("You have already applied to this programme."))
    unknown = set(fields) - EDITABLE - {"is_demo"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    app = Application(programme=programme, applicant=actor, **fields)
    app.full_clean()
    app.save()
    record_event(actor, ExchangeAction.APPLICATION_SAVED, app, after=snapshot(app))
    return app


@transaction.atomic
def save_application(actor: Any, app: Application, **changes: Any) -> Application:
    require(can_edit_application(actor, app), _("Only a draft can be changed, by its applicant."))
    before = snapshot(app)
    for k, v in changes.items():
        if k not in EDITABLE:
            raise ValidationError(_("Unknown fields: %(f)s") % {"f": k})
        setattr(app, k, v)
    app.full_clean()
    app.save()
    record_event(actor, ExchangeAction.APPLICATION_SAVED, app, before=before, after=snapshot(app))
    return app


@transaction.atomic
def set_preferences(actor: Any, app: Application, placement_ids: Sequence[int]) -> list[Preference]:
    """Replace the ranked list (best first)."""
    require(can_edit_application(actor, app), _("Only a draft can be changed, by its applicant."))
    ids = [int(i) for i in placement_ids]
    limit = app.programme.max_preferences
    if len(ids) > limit:
        raise ValidationError(
            {
                "preferences": _("You may rank at most %(n)s placements in this programme.")
                % {"n": limit}
            }
        )
    if len(set(ids)) != len(ids):
        raise ValidationError({"preferences": _("A placement appears twice in your list.")})
    found = {
        p.pk: p
        for p in Placement.objects.filter(
            pk__in=ids, programme=app.programme, state=PlacementState.APPROVED
        )
    }
    if len(found) != len(ids):
        raise ValidationError({"preferences": _("Choose only open placements of this programme.")})
    before = list(app.preferences.values_list("placement_id", flat=True))
    app.preferences.all().delete()
    prefs = [
        Preference.objects.create(application=app, placement=found[pid], rank=k)
        for k, pid in enumerate(ids, start=1)
    ]
    record_event(
        actor,
        ExchangeAction.APPLICATION_SAVED,
        app,
        before={"preferences": before},
        after={"preferences": ids},
    )
    return prefs


def _is_pdf(upload: Any) -> bool:
    pos = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(5)
    upload.seek(pos)
    return bool(head.startswith(b"%PDF"))


def add_document(actor: Any, app: Application, *, kind: str, upload: Any) -> ApplicationDocument:
    require(can_edit_application(actor, app), _("Only a draft can be changed, by its applicant."))
    if not str(upload.name).lower().endswith(".pdf") or not _is_pdf(upload):
        raise ValidationError({"file": _("Upload a PDF file.")})
    if upload.size > 10 * 1024 * 1024:
        raise ValidationError({"file": _("A document may be at most 10 MB.")})
    doc = ApplicationDocument(application=app, kind=kind, file=upload)
    doc.full_clean()  # every check before the file is written
    with uploads_kept_if_saved() as uploads:
        uploads.write_pending(doc)
        doc.save()
        record_event(actor, ExchangeAction.DOCUMENT_UPLOADED, doc, after=snapshot(doc))
    return doc


def submission_problems(app: Application) -> list[str]:
    """Eligibility and completeness, in the active language (empty: ready)."""
    prefs = list(app.preferences.select_related("placement__organisation"))
    problems = eligibility.check(app, {p.placement.organisation.region for p in prefs})
    if not app.statement.strip():
        problems.append(_("Write a statement."))
    if not prefs:
        problems.append(_("Rank at least one placement."))
    if len(prefs) > app.programme.max_preferences:
        problems.append(
            _("You may rank at most %(n)s placements in this programme.")
            % {"n": app.programme.max_preferences}
        )
    if app.referees.count() < app.programme.referees_required:
        problems.append(
            _("Invite %(n)s referee(s) before submitting.") % {"n": app.programme.referees_required}
        )
    return problems


def submit_application(actor: Any, app: Application) -> Application:
    with transaction.atomic():
        _open(app.programme)
        problems = submission_problems(app)
        if problems:
            raise ValidationError(problems)
        apply_transition(
            actor,
            app,
            APPLICATION_FLOW,
            "submit",
            audit_action=ExchangeAction.APPLICATION_SUBMITTED,
            submitted_at=timezone.now(),
        )
    return app


def withdraw_application(actor: Any, app: Application) -> Application:
    apply_transition(
        actor, app, APPLICATION_FLOW, "withdraw", audit_action=ExchangeAction.APPLICATION_WITHDRAWN
    )
    return app


@transaction.atomic
def nominate(actor: Any, app: Application, *, yes: bool, note: str = "") -> Application:
    action = "nominate" if yes else "decline_nomination"
    apply_transition(
        actor,
        app,
        APPLICATION_FLOW,
        action,
        audit_action=ExchangeAction.APPLICATION_NOMINATED
        if yes
        else ExchangeAction.APPLICATION_NOT_NOMINATED,
        nomination_note=note[:5000],
    )
    notifications.decision(app, action)
    return app


def shortlistable(app: Application) -> bool:
    if app.programme.nomination_required:
        return app.state == ApplicationState.NOMINATED
    return app.state in (ApplicationState.SUBMITTED, ApplicationState.NOMINATED)
