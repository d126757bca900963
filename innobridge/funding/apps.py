from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "innobridge.funding"
    label = "funding"
    verbose_name = _("Joint research funding")

    def ready(self) -> None:
        from innobridge.core.hooks import register_person_action

        from .hooks import connect_receivers, invite_to_proposal
        from .permissions import connect_cache_receivers
        from .selectors import connect_home_receivers

        connect_cache_receivers()
        connect_home_receivers()
        connect_receivers()
        register_person_action("funding.invite_to_proposal", invite_to_proposal)
