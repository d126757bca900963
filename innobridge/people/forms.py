"""Forms of the people app (thin: they parse and validate input for a service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Region
from innobridge.core.permissions import Role

from .models import CareerStage, OrganisationType, Person

# --- Accounts, roles and API tokens ------------------------------------------


class SignUpForm(forms.Form):
    """Sign-up: the service ``sign_up`` does the real checks; the form reports them."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only; used to log in."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    display_name = forms.CharField(
        label=_("Name as shown"),
        max_length=150,
        required=False,
        help_text=_("In any script, e.g. 陳大文 or Chan Tai-man."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="en"
    )
    role = forms.ChoiceField(
        label=_("I am a"),
        choices=[
            (Role.RESEARCHER.value, Role.RESEARCHER.label),
            (Role.ENTERPRISE.value, Role.ENTERPRISE.label),
        ],
        initial=Role.RESEARCHER.value,
        widget=forms.RadioSelect,
        help_text=_("Other roles (reviewer, programme officer …) are granted by an administrator."),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        Person.username_validator(username)
        if Person.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is already taken."))
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if Person.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = Person(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                display_name=cleaned.get("display_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ConfirmedAuthenticationForm(auth_forms.AuthenticationForm):
    """Django's log-in form; an account whose e-mail address is not confirmed yet is
    refused (with the right password only) and sent a fresh confirmation link."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not getattr(user, "email_verified", True):
            from . import services

            site = self.request.build_absolute_uri("/") if self.request else ""
            services.send_email_verification(user, site)
            raise forms.ValidationError(
                _(
                    "Please confirm your e-mail address first: we have sent a new link "
                    "to %(email)s."
                ),
                code="email_unverified",
                params={"email": user.email},
            )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; the e-mail goes out in the person's preferred language."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class LanguagePreferenceForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )


class LanguageSwitchForm(forms.Form):
    """The language chosen in the page's switcher (Django's ``set_language`` field)."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)

    def chosen(self) -> str:
        """The language, or "" when none of the site's was posted."""
        return str(self.cleaned_data["language"]) if self.is_valid() else ""


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. “nightly export script”."),
    )


# --- Partner search ------------------------------------------------------------


class TwoFactorCodeForm(forms.Form):
    """A code at the log-in's second step, or to confirm a new authenticator."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class PasswordCheckForm(forms.Form):
    """The password again, before two-factor sign-in is turned off or its recovery codes
    are replaced."""

    password = forms.CharField(
        label=_("Your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PartnerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Describe the topic"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _(
                    "e.g. 深度學習蛋白質結構預測 / machine translation for low-resource languages"
                ),
            }
        ),
    )
    use_profile = forms.BooleanField(label=_("Use my own profile instead"), required=False)
    region = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for the other side of the boundary."),
    )
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", _("Any")), *OrganisationType.choices],
    )
    career_stage = forms.ChoiceField(
        label=_("Career stage"), required=False, choices=[("", _("Any")), *CareerStage.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("q", "").strip() and not data.get("use_profile"):
            raise forms.ValidationError(_("Describe a topic, or choose to use your own profile."))
        return data


# --- Researchers and publications -------------------------------------------


def _career_stage_choices() -> list[tuple[str, Any]]:
    from .models import CareerStage

    return [("", "—"), *CareerStage.choices]


def _region_choices() -> list[tuple[str, Any]]:
    from innobridge.core.models import Region

    return [("", _("From the organisation")), *Region.choices]


def _language_choices() -> list[tuple[str, Any]]:
    from .models import Language

    return [("", "—"), *Language.choices]


class OrganisationNameInput(forms.TextInput):
    """A text box that suggests organisations as one types (a ``<datalist>`` the page
    fills by htmx from ``people:organisation_options``), instead of a ``<select>`` of the
    whole directory."""

    template_name = "people/widgets/organisation_name.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "maxlength": "300", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        options = f"{context['widget']['attrs'].get('id') or name}-options"
        context["widget"]["attrs"].update(
            {
                "list": options,
                "hx-get": reverse("people:organisation_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{options}",
                "hx-swap": "innerHTML",
            }
        )
        return context


class OrganisationNameField(forms.CharField):
    """An organisation typed as people know it: its name in English or Chinese (either
    script), an acronym, or its ROR id. Cleans to the one ``Organisation`` meant (None
    when left empty and not required); a name matching none or several is a field error
    that says which, never a guess."""

    widget = OrganisationNameInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", _("Its name in English or Chinese, or its ROR id."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        """An initial organisation (or its id, as a model form gives it) as the reader
        would type it: its name in the UI's language, else its English name, else its
        ROR id: the first of these that names it alone (so the form saves as shown)."""
        from innobridge.core.language import name_in_language

        from .models import Organisation
        from .selectors import resolve_organisation

        if isinstance(value, int) and not isinstance(value, bool):
            value = Organisation.objects.filter(pk=value).first()
        if not isinstance(value, Organisation):
            return value
        for text in dict.fromkeys([name_in_language(value.name, value.name_zh), value.name]):
            if resolve_organisation(text)[0] == value:
                return text
        return value.ror_id or value.name

    def clean(self, value: Any) -> Any:
        from .selectors import resolve_organisation

        text: str = super().clean(value)
        if not text:
            return None
        org, candidates = resolve_organisation(text)
        if org is not None:
            return org
        if candidates:
            names = [c.name for c in candidates]
            raise forms.ValidationError(
                _("Several organisations match; choose one of: %(names)s")
                % {
                    "names": "; ".join(
                        f"{c.name} ({c.ror_id})" if names.count(c.name) > 1 and c.ror_id else c.name
                        for c in candidates
                    )
                },
                code="ambiguous",
            )
        raise forms.ValidationError(
            _("No organisation matches “%(text)s”.") % {"text": text}, code="unknown"
        )


class ResearcherProfileForm(forms.Form):
    """Edit (or create) a researcher profile; the service ``update_profile`` validates
    again and its field errors are shown on this form."""

    display_name = forms.CharField(
        label=_("Name as shown"),
        max_length=150,
        help_text=_("In any script, e.g. 陳大文 or Chan Tai-man."),
    )
    orcid = forms.CharField(
        label=_("ORCID iD"),
        max_length=60,
        required=False,
        help_text=_("e.g. 0000-0002-1825-0097"),
        widget=forms.TextInput(attrs={"inputmode": "text", "autocapitalize": "characters"}),
    )
    # Only an organisation of the directory (one is never made from a typed name):
    # unknown or ambiguous names are field errors, as before; empty is no organisation.
    organisation = OrganisationNameField(label=_("Organisation"), required=False)
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=_region_choices,
        help_text=_("Leave empty to use the region of your organisation."),
    )
    career_stage = forms.ChoiceField(
        label=_("Career stage"), required=False, choices=_career_stage_choices
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    keywords = forms.CharField(
        label=_("Research keywords"),
        required=False,
        max_length=3000,
        help_text=_("Separated by commas, e.g. machine learning, 材料科學, robotics"),
    )
    biography = forms.CharField(
        label=_("Biography"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    biography_language = forms.ChoiceField(
        label=_("Language of the biography"), required=False, choices=_language_choices
    )
    is_public = forms.BooleanField(label=_("Listed publicly in the directory"), required=False)

    def changes(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments for ``update_profile``."""
        data = dict(self.cleaned_data)
        if not data.get("region") and data.get("organisation") is not None:
            data.pop("region", None)  # the service takes the organisation's region
        return data


class PublicationImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("File"),
        help_text=_("ORCID works JSON, OpenAlex works JSON or CSV (UTF-8), at most 5 MB."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("orcid", _("ORCID works (JSON)")),
            ("openalex", _("OpenAlex works (JSON)")),
            ("csv", _("CSV: title, abstract, year, venue, doi, authors, keywords, url, language")),
        ],
        widget=forms.RadioSelect,
        initial="orcid",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


# --- Contacts: introductions, the shortlist, the disclosure register ---------------


class IntroductionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are and why you would like to work together."),
    )
    consent = forms.BooleanField(
        label=_(
            "If they accept, my contact details (name, e-mail, organisation, position, ORCID) "
            "are shared with them. I agree, also when they work on the other side of the "
            "boundary."
        ),
        required=False,
    )


class ShortlistNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisclosureFilterForm(forms.Form):
    all_disclosures = forms.BooleanField(
        label=_("Also disclosures within one region"), required=False
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", _("Any region")), *Region.choices], required=False
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# --------------------------------------------------------------------------- buttons
# The pages' buttons post an ``action``, a ``next`` page or a flag: these forms read them,
# so a view never reads ``request.POST`` itself.


class BlockForm(forms.Form):
    """``unblock=1``: lift a block (anything else: block)."""

    unblock = forms.ChoiceField(choices=[("1", "1")], required=False)

    def unblocking(self) -> bool:
        return self.is_valid() and self.cleaned_data["unblock"] == "1"


class TokenPickForm(forms.Form):
    """The id of one of the person's API tokens (not a number: the view's 404)."""

    token = forms.IntegerField(min_value=1, max_value=2**63 - 1)
