"""Django's own messages that InnoBridge users see (log-in and sign-up forms, password
validators, field errors, the language switcher), listed here only so that
``makemessages`` keeps them in the project catalogues.

The project catalogues come first (LOCALE_PATHS), so their translations replace
Django's: Django's zh_Hant catalogue follows Taiwan usage (使用者名稱, 電子郵件, 你),
InnoBridge's zh_Hant follows Hong Kong usage (用戶名稱, 電郵, 您). The language names
keep their own script in every UI language ("English", not 英語).

This module is never imported. The msgids must stay identical to Django's.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = [
    # settings.LANGUAGES, shown by the language switcher
    gettext_noop("English"),
    # django.forms
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    # django.contrib.auth: models and forms
    gettext_noop("username"),
    gettext_noop("email address"),
    gettext_noop("Email"),
    gettext_noop("Password"),
    gettext_noop("Password confirmation"),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("Old password"),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop("This account is inactive."),
    gettext_noop("A user with that username already exists."),
    # django.contrib.auth.password_validation
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is entirely numeric."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        8,
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
]
