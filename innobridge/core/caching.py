"""What the shared cache holds for pages, and when it is emptied (issue #17).

The cache (``settings.CACHES["default"]``, files in VAR_DIR/cache) is shared by every
server process, so an entry deleted by one process is gone for all. Besides the sessions
(``cached_db``: read from the cache, written through to the database) it holds:

* **Public pages** — what an anonymous visitor sees at an address (path and query) in one
  language (:func:`public_page`, a view decorator), rendered with a placeholder for the CSRF
  token that each visitor's own token replaces. Keyed by the page's name, the language, the
  address, htmx or not, and the *public generation*: a value replaced on every save or
  deletion (and many-to-many change) of a model the public pages show (:data:`PUBLIC_MODELS`),
  so a change through the ORM shows at once; one that bypasses its signals
  (``QuerySet.update``, bulk inserts) shows within :data:`PUBLIC_FRAGMENT_SECONDS`.
  Signed-in people's pages are kept per person instead, until a table they read is
  written (core/personpages.py).
* **Public API lists** — what a public list endpoint returns (the calls, the facilities
  catalogue, the organisations) for readers who all get the same answer
  (:func:`public_result`), keyed and emptied like the public pages.
* **Person facts** — per signed-in person, what every page reads (their role names, whether
  two-factor sign-in is on, the unread notices, their profile's address, their shortlist;
  apps add their own with :func:`register_person_fact`): keyed by the person's id; deleted
  when a role is given or taken, a two-factor device, their profile or a shortlist entry of
  theirs is saved or deleted, a notice is created, deleted or marked read — at once and again when
  the transaction commits, so a concurrent request cannot put back what it read before —
  and kept :data:`PERSON_FACTS_SECONDS` at most.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import secrets
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from innobridge.core import personpages
from innobridge.core.personpages import note_cache_read

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])
EndpointFunc = TypeVar("EndpointFunc", bound=Callable[..., Any])

PUBLIC_FRAGMENT_SECONDS = 60
# What is rendered once for many readers (public pages and API lists, {% cache %} fragments,
# the contact buttons) is kept in this cache: its keys name their content (the public
# generation or a digest), so each process may keep copies (core/cachebackend.py).
FRAGMENTS = "template_fragments"
PUBLIC_GENERATION_KEY = "public:generation"
PERSON_FACTS_SECONDS = 60
PERSON_GENERATION_KEY = "person:generation"

# The models whose rows the public fragments show: a save, a deletion or a change of their
# many-to-many relations empties every public fragment. (Deletions of publications and
# authorships, bulk tables, are left to the fragments' lifetime: a delete receiver would
# turn their bulk deletions into row-by-row ones.)
PUBLIC_MODELS = frozenset(
    {
        "people.organisation",
        "people.person",
        "people.researcherprofile",
        "people.publication",
        "people.authorship",
        "funding.funder",
        "funding.scheme",
        "funding.call",
        "funding.callside",
        "funding.criterion",
        "facilities.facility",
        "facilities.resource",
        "facilities.maintenanceblock",
        "facilities.tariff",
        "facilities.booking",
        "core.exchangerate",
    }
)
NO_DELETE_RECEIVER = frozenset({"people.publication", "people.authorship"})


def _new_generation() -> str:
    return secrets.token_hex(6)


# The generations read during the request being served by this thread (None outside a
# request): a page asks for them several times (each person fact, each public fragment), and
# each read opens a file. What another process changes during the request is seen by the
# next one, as it would be had the request been a few milliseconds earlier.
_request = threading.local()


def begin_request() -> None:
    """From now until :func:`end_request`, each generation is read at most once in this
    thread (``core.middleware.RequestGuardMiddleware`` calls both around every request)."""
    _request.generations = {}
    personpages.begin_request()


def end_request() -> None:
    _request.generations = None


def _generation(key: str) -> str:
    memo: dict[str, str] | None = getattr(_request, "generations", None)
    if memo is not None and key in memo:
        note_cache_read(key, memo[key])
        return memo[key]
    value = cache.get(key)
    if value is None:
        value = _new_generation()
        # add(): two processes that both find none agree on the first one stored.
        if not cache.add(key, value, None):
            value = cache.get(key) or value
    if memo is not None:
        memo[key] = str(value)
    note_cache_read(key, str(value))
    return str(value)


def _set_generation(key: str) -> None:
    """A new generation under ``key``: what was kept under the old one is stale."""
    value = _new_generation()
    cache.set(key, value, None)
    memo: dict[str, str] | None = getattr(_request, "generations", None)
    if memo is not None:
        memo[key] = value


def public_generation() -> str:
    return _generation(PUBLIC_GENERATION_KEY)


def forget_public_fragments() -> None:
    """Every public fragment is stale from now on (a new generation; old entries expire)."""
    _set_generation(PUBLIC_GENERATION_KEY)


def public_fragment_key(name: str, language: str, full_path: str) -> str:
    digest = hashlib.sha256(full_path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"public:{public_generation()}:{name}:{language}:{digest}"


def _public_model_changed(sender: type[Any], **kwargs: Any) -> None:
    """Receiver of post_save / post_delete / m2m_changed of the :data:`PUBLIC_MODELS`."""
    action = kwargs.get("action")
    if action is not None and not str(action).startswith("post_"):
        return  # m2m_changed fires before and after: the change is done after
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a log-in
    forget_public_fragments()
    _once_on_commit(forget_public_fragments)


def _once_on_commit(func: Callable[[], None]) -> None:
    """``transaction.on_commit(func)`` unless the transaction has it already (a bulk of
    saves in one transaction registers it once)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is func for entry in connection.run_on_commit):
        return
    transaction.on_commit(func)


# --- Public pages ----------------------------------------------------------------------

# Stands in for the visitor's CSRF token in a cached page (letters only: no escaping).
CSRF_PLACEHOLDER = "innobridgecsrftokenplaceholder"


def message_waiting(request: HttpRequest) -> bool:
    """Whether the page will show a message (a page with one is not kept)."""
    storage = getattr(request, "_messages", None)
    return storage is not None and bool(len(storage))


def _cacheable(request: HttpRequest) -> bool:
    """An anonymous visitor's GET with no message waiting to be shown."""
    if request.method != "GET" or request.user.is_authenticated:
        return False
    return not message_waiting(request)


def page_parts(response: HttpResponse) -> tuple[list[tuple[str, str]], str] | None:
    """What is kept of a page's response — its headers (but its length) and its body — or
    None for an answer that is not kept: anything but a rendered 200 without cookies that
    is not a file to download."""
    if (
        response.status_code != 200
        or response.streaming
        or not getattr(response, "is_rendered", True)
        or response.cookies
        or "Content-Disposition" in response.headers
    ):
        return None
    headers = [(h, v) for h, v in response.headers.items() if h != "Content-Length"]
    return headers, response.content.decode(response.charset)


def page_from(request: HttpRequest, headers: list[tuple[str, str]], body: str) -> HttpResponse:
    """A kept page for this reader (their own CSRF token put in)."""
    response = HttpResponse(_with_token(request, body))
    for header, value in headers:
        response.headers[header] = value
    return response


def public_page_key(name: str, request: HttpRequest) -> str:
    variant = "hx" if request.headers.get("HX-Request") else "page"
    return public_fragment_key(
        f"{name}:{variant}", translation.get_language() or "", request.get_full_path()
    )


def public_page(name: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: an anonymous visitor's page comes from the shared cache.

    The page is what every anonymous visitor of that language sees at that address
    (path and query), so it is rendered once per :data:`PUBLIC_FRAGMENT_SECONDS` and
    public generation (see the module's docstring) with a placeholder in place of the CSRF
    token, and each visitor gets it with their own token (and CSRF cookie) put in. Signed-in
    people, other methods, visitors with a message to show and answers other than a
    rendered 200 (redirects, 404s, files) go through the view every time.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = public_page_key(name, request)
            entry = caches[FRAGMENTS].get(key)
            if entry is not None:
                return page_from(request, *entry)
            request.csrf_placeholder = True  # type: ignore[attr-defined]
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.csrf_placeholder = False  # type: ignore[attr-defined]
            parts = page_parts(response)
            if parts is None:
                return response
            caches[FRAGMENTS].set(key, parts, PUBLIC_FRAGMENT_SECONDS)
            response.content = _with_token(request, parts[1]).encode(response.charset)
            return response

        return wrapped  # type: ignore[return-value]

    return decorator


def public_result(
    name: str, shared: Callable[[HttpRequest], bool] | None = None
) -> Callable[[EndpointFunc], EndpointFunc]:
    """API endpoint decorator (Django Ninja): what a public list endpoint returns — before
    its output schema and JSON — is kept in the shared cache per language, address (path
    and query) and public generation, like :func:`public_page`, for every GET whose reader
    ``shared(request)`` accepts (default: any reader). ``shared`` must refuse the readers
    for whom the endpoint answers differently (an officer who also sees unopened calls, a
    query the public generation does not follow). Errors (``HttpError``) are not kept."""

    def decorator(func: EndpointFunc) -> EndpointFunc:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method != "GET" or (shared is not None and not shared(request)):
                return func(request, *args, **kwargs)
            key = public_fragment_key(
                f"api:{name}", translation.get_language() or "", request.get_full_path()
            )
            entry = caches[FRAGMENTS].get(key)
            if entry is not None:
                return entry[0]
            result = func(request, *args, **kwargs)
            if not isinstance(result, tuple | HttpResponse):  # (status, body): not a list
                caches[FRAGMENTS].set(key, (result,), PUBLIC_FRAGMENT_SECONDS)
            return result

        # Ninja reads the parameters from the signature, resolving string annotations in
        # the function's own module (``from __future__ import annotations``), not this one.
        wrapped.__signature__ = inspect.signature(func, eval_str=True)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def _with_token(request: HttpRequest, body: str) -> str:
    if CSRF_PLACEHOLDER not in body:
        return body
    return body.replace(CSRF_PLACEHOLDER, get_token(request))


# --- Person facts ---------------------------------------------------------------------


# What is kept per person: the role names (core.permissions.can_act_as), whether two-factor
# sign-in is on (people.selectors.has_two_factor), the unread notices (the header's count)
# and their researcher profile's address (the header's "My profile"), and the version of
# their account row that each server process may keep (core/authbackend.py).
# Apps add their own facts with :func:`register_person_fact` (and empty them with
# :func:`forget_person_facts` from their receivers), e.g. funding's "officer_funders".
ACCOUNT_VERSION_FACT = "account_version"
PERSON_FACTS = {
    ACCOUNT_VERSION_FACT,
    "roles",
    "two_factor",
    "unread_notices",
    "profile_url",
    "shortlist",
}


def register_person_fact(name: str) -> None:
    """Let an app keep ``name`` per person (emptied with the others by
    :func:`forget_person_facts`); called from the app's ``ready()``."""
    PERSON_FACTS.add(name)


def _person_key(generation: str, person_id: Any, name: str) -> str:
    return f"person:{generation}:{person_id}:{name}"


def person_fact(person_id: Any, name: str, compute: Callable[[], Any]) -> Any:
    """The fact ``name`` (one of :data:`PERSON_FACTS`) about the person, computed by
    ``compute`` when it is not in the cache."""
    assert name in PERSON_FACTS, name
    key = _person_key(_generation(PERSON_GENERATION_KEY), person_id, name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PERSON_FACTS_SECONDS)
    note_cache_read(key, value)
    return value


def _delete_person_facts(person_ids: tuple[Any, ...], names: tuple[str, ...]) -> None:
    generation = _generation(PERSON_GENERATION_KEY)
    cache.delete_many([_person_key(generation, pk, name) for pk in person_ids for name in names])


def forget_person_facts(*person_ids: Any, names: tuple[str, ...] | None = None) -> None:
    """The facts of these people (only ``names`` of them, if given) are stale: deleted now
    and when the transaction commits."""
    ids = tuple(pk for pk in person_ids if pk is not None)
    if not ids:
        return
    which = tuple(sorted(PERSON_FACTS)) if names is None else names
    _delete_person_facts(ids, which)
    transaction.on_commit(lambda: _delete_person_facts(ids, which))


def forget_all_person_facts() -> None:
    """Every person's facts are stale (e.g. a role group renamed or deleted)."""
    _set_generation(PERSON_GENERATION_KEY)
    transaction.on_commit(lambda: _set_generation(PERSON_GENERATION_KEY))


def _notice_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    forget_person_facts(instance.recipient_id)


def _device_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    forget_person_facts(instance.user_id)


def _groups_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    from django.contrib.auth.models import Group

    action = str(kwargs.get("action"))
    if not action.startswith("post_"):
        return
    if isinstance(instance, Group):  # group.user_set.add(...) / .clear()
        pk_set = kwargs.get("pk_set")
        if pk_set is None:
            forget_all_person_facts()
        else:
            forget_person_facts(*pk_set)
    else:
        forget_person_facts(instance.pk)


def _person_saved_or_deleted(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("created", True):
        # A new account (or a deleted one) must not inherit what was kept for an earlier
        # one with the same id (SQLite may give a deleted row's id again).
        forget_person_facts(instance.pk)
    else:
        # Every other save: the account row the server processes keep
        # (core/authbackend.py) must show a new password, a deactivation or a new name
        # from the next request. The other facts have receivers of their own.
        forget_person_facts(instance.pk, names=(ACCOUNT_VERSION_FACT,))


def _group_changed(sender: type[Any], **kwargs: Any) -> None:
    forget_all_person_facts()


def connect() -> None:
    """Connect the receivers that empty the cache's entries (CoreConfig.ready)."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from innobridge.core.models import Notice

    for model in apps.get_models():
        label = model._meta.label_lower
        if label not in PUBLIC_MODELS:
            continue
        uid = f"innobridge.caching.public.{label}"
        post_save.connect(_public_model_changed, sender=model, dispatch_uid=uid)
        if label not in NO_DELETE_RECEIVER:
            post_delete.connect(_public_model_changed, sender=model, dispatch_uid=uid)
        for m2m in model._meta.local_many_to_many:
            m2m_changed.connect(
                _public_model_changed,
                sender=m2m.remote_field.through,
                dispatch_uid=f"{uid}.{m2m.name}",
            )
    for signal in (post_save, post_delete):
        signal.connect(_notice_changed, sender=Notice, dispatch_uid="innobridge.caching.notice")
        for device in (TOTPDevice, StaticDevice):
            signal.connect(
                _device_changed,
                sender=device,
                dispatch_uid=f"innobridge.caching.device.{device._meta.label_lower}",
            )
        signal.connect(_group_changed, sender=Group, dispatch_uid="innobridge.caching.group")

    person_model = apps.get_model(settings.AUTH_USER_MODEL)
    for signal in (post_save, post_delete):
        signal.connect(
            _person_saved_or_deleted,
            sender=person_model,
            dispatch_uid="innobridge.caching.person",
        )
    person_groups = person_model._meta.get_field("groups")
    m2m_changed.connect(
        _groups_changed,
        sender=person_groups.remote_field.through,
        dispatch_uid="innobridge.caching.person_groups",
    )
