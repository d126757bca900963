from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "innobridge.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # django.contrib.admin (first in INSTALLED_APPS) has imported every admin module.
        from innobridge.core.admin import autocomplete_large_relations

        autocomplete_large_relations()

        from innobridge.core import caching

        caching.connect()  # the receivers that empty the shared cache's entries on writes

        from innobridge.core import personpages

        personpages.install_everywhere()  # every table write noted, for the kept pages

        from innobridge.core import choicelabels

        choicelabels.install()  # get_FOO_display() from labels kept per language
