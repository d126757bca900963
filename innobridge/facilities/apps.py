from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "innobridge.facilities"
    label = "facilities"
    verbose_name = _("Shared facilities")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .db import ensure_overlap_guard

        # Re-create the SQLite overlap triggers after every migrate: SQLite rebuilds a
        # table (dropping its triggers) when a later migration alters it.
        post_migrate.connect(ensure_overlap_guard, sender=self)
