"""Fetch a page as a person in a language: the one way a test signs in and chooses the
interface language, beside ``tests/factories.py``::

    page = page_as(url, user=officer, language="zh-hant")   # the HTML; a 200 is asserted
    response = get_as(url, language="zh-hans")              # a visitor; any status
    client = client_as(officer, "zh-hans")                  # several gets and posts
    panel = section(page, "panel-transfer-tto")             # one <article> of a page
    panel = home_panel(officer, "transfer-tto", "zh-hant")  # a panel of the home page
    OrganisationBox.check(str(form["organisation"]), "organisation")  # the shared box

The language goes as a browser sends it after a visit to the language switcher: the
language cookie and the Accept-Language header. A test of that mechanism itself (the
switcher, the cookie, the header) sets them by hand.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client


def client_as(user: Any = None, language: str = "en") -> Client:
    """A test client signed in as ``user`` (``None``: a visitor), reading ``language``."""
    client = Client(headers={"accept-language": language})
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def get_as(
    url: str, *, user: Any = None, language: str = "en", data: dict[str, Any] | None = None
) -> Any:
    """The response to a GET of ``url`` (``data``: its query) as ``user`` in ``language``."""
    return client_as(user, language).get(url, data)


def page_as(
    url: str, *, user: Any = None, language: str = "en", data: dict[str, Any] | None = None
) -> str:
    """The HTML of the page at ``url`` as ``user`` in ``language``; it must be a 200."""
    response = get_as(url, user=user, language=language, data=data)
    assert response.status_code == 200, (url, user, language, response.status_code)
    return str(response.content.decode())


def section(page: str, testid: str, end: str = "</article>") -> str:
    """The part of ``page`` from the element marked ``data-testid="<testid>"`` to the
    next ``end``; the element must be there."""
    marker = f'data-testid="{testid}"'
    assert marker in page, f"no {testid} on the page"
    return page.split(marker)[1].split(end)[0]


def home_panel(user: Any, key: str, language: str = "en") -> str:
    """The panel ``key`` of ``user``'s home page (``data-testid="panel-<key>"``)."""
    return section(page_as("/", user=user, language=language), f"panel-{key}")


def delete_selected(client: Client, changelist: str, pks: list[Any]) -> Any:
    """The admin list at ``changelist`` posted with "Delete selected" for ``pks``,
    confirmed (the confirmation page's "Yes")."""
    return client.post(
        changelist, {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    )


class OrganisationBox:
    """The organisation box (``people.forms.OrganisationNameField``) of every form that
    names an organisation (a profile, an exchange application or placement, a facility):
    what each form's tests type, the errors they expect, and the box's markup."""

    UNKNOWN = "Atlantis University"
    NO_MATCH = {
        "en": "No organisation matches “Atlantis University”.",
        "zh-hant": "沒有機構符合「Atlantis University」。",
        "zh-hans": "没有机构符合“Atlantis University”。",
    }
    SEVERAL_MATCH = "Several organisations match; choose one of:"

    @staticmethod
    def check(rendered: str, name: str) -> None:
        """``rendered`` (a page, or a form's field) has the shared box ``name``: a text
        input that suggests as one types (its ``<datalist>``, filled by htmx), not a
        ``<select>`` of the directory."""
        assert f'<select name="{name}"' not in rendered
        assert f'name="{name}"' in rendered
        assert f'list="id_{name}-options"' in rendered
        assert 'hx-get="/people/organisation-options/"' in rendered
        assert f'<datalist id="id_{name}-options"></datalist>' in rendered


def superuser_client(make_person: Any) -> Client:
    """A client signed in as a new superuser named "root" (``make_person`` is the fixture),
    for the admin's pages."""
    return client_as(make_person("root", is_staff=True, is_superuser=True))


def formset_prefix(data: dict[str, Any], model: str) -> str:
    """The prefix of the inline formset for ``model`` (a lower-case model name) in an admin
    page's ``admin_form_data``."""
    return next(
        k.removesuffix("-TOTAL_FORMS")
        for k in data
        if k.endswith("-TOTAL_FORMS") and model in k.lower()
    )


def admin_form_data(response: Any) -> dict[str, Any]:
    """What the admin add or change page in ``response`` posts back unchanged: its
    form's fields and every inline formset's (management form and rows), as a browser
    would send them. A test changes some and posts it."""
    from django.forms import CheckboxInput, MultiWidget

    def fields(form: Any) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for bf in form:
            widget, value = bf.field.widget, bf.value()  # prepared for its widget
            if isinstance(widget, MultiWidget):
                parts = value if isinstance(value, list | tuple) else widget.decompress(value)
                for suffix, sub, part in zip(
                    widget.widgets_names, widget.widgets, parts, strict=True
                ):
                    data[bf.html_name + suffix] = sub.format_value(part) or ""
            elif isinstance(widget, CheckboxInput):
                if value:
                    data[bf.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bf.html_name] = [str(v) for v in value]
            elif value is not None:
                data[bf.html_name] = str(value)
        return data

    context = response.context
    data = fields(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data |= fields(formset.management_form)
        for form in formset.initial_forms:
            data |= fields(form)
    return data


def admin_row(data: dict[str, Any], prefix: str, index: int, **values: Any) -> None:
    """Set the fields of row ``index`` of the inline formset ``prefix`` in ``data``
    (from ``admin_form_data``), as a browser would: a new row raises the formset's
    TOTAL_FORMS. ``DELETE=True`` ticks the row's delete box."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    if index >= total:
        data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        key = f"{prefix}-{index}-{name}"
        if value is True:
            data[key] = "on"
        elif value is False or value is None:
            data.pop(key, None)
        else:
            data[key] = value
