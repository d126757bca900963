from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "innobridge.exchange"
    label = "exchange"
    verbose_name = _("Personnel exchanges")

    def ready(self) -> None:
        from .selectors import connect_cache_receivers

        connect_cache_receivers()
