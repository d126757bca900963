"""The core app's audit action names (``core.<noun>.<verb in past tense>``).

Every app keeps its own registry in ``innobridge/<app>/audit.py``: one
``models.TextChoices`` subclass named ``<App>Action``, members ``<NOUN>_<VERB_PAST>``.
``tests/core/test_audit_registry.py`` finds every registry and checks that the test
suite writes each action at least once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoreAction(models.TextChoices):
    EXCHANGE_RATE_SET = "core.exchange_rate.set", _("Exchange rate set")
    EXCHANGE_RATE_DELETED = "core.exchange_rate.deleted", _("Exchange rate deleted")
    PERSONAL_DATA_VIEWED = "core.personal_data.viewed", _("Personal data viewed")
