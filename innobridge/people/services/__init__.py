"""Writes of the people app, one module per noun. Each public function checks
permission, validates, changes state and records its audit event in one transaction.

- ``accounts``: sign-up, the signed-in person's language
- ``roles``: the roles a person holds
- ``tokens``: personal API tokens
- ``two_factor``: two-factor sign-in (authenticator app, recovery codes)
- ``organisations``: the ROR import, an organisation's search text
- ``profiles``: researcher profiles and their keywords
- ``publications``: publication import and authorship
- ``introductions``: introduction requests, answers, blocks, the exchange of contacts
- ``shortlist``: a person's shortlist of possible partners
- ``disclosures``: the export of the register of shared personal data

Callers import from ``innobridge.people.services``; the modules are the rooms.
"""

from .accounts import (
    SELF_SERVICE_ROLES,
    email_verification_token,
    send_email_verification,
    set_preferred_language,
    sign_up,
    verify_email,
)
from .disclosures import REGISTER_COLUMNS, export_disclosures
from .introductions import (
    CONTACT_FIELDS,
    INTRODUCTION_ACTIONS,
    MAX_OPEN_REQUESTS,
    MAX_REQUESTS_PER_DAY,
    accept_introduction,
    are_connected,
    block_person,
    contact_card,
    decline_introduction,
    is_blocked,
    person_region,
    request_introduction,
    unblock_person,
    withdraw_introduction,
)
from .organisations import (
    ORGANISATION_FIELDS,
    ROR_DEFAULT_COUNTRIES,
    ROR_IMPORT_FIELDS,
    RorImportReport,
    import_ror_records,
    organisation_search_text,
    region_for_country,
    register_organisation,
    update_organisation,
)
from .profiles import (
    MAX_KEYWORDS,
    PERSON_FIELDS,
    PROFILE_FIELDS,
    clean_keywords,
    create_profile,
    create_researcher,
    researcher_search_text,
    update_profile,
)
from .publications import (
    PublicationData,
    PublicationImportResult,
    add_publications,
    import_publications,
)
from .roles import assign_roles, grant_role, person_roles, remove_role
from .shortlist import add_to_shortlist, remove_from_shortlist, update_shortlist_note
from .tokens import (
    MAX_ACTIVE_TOKENS,
    TOKEN_TOUCH_INTERVAL,
    authenticate_api_key,
    create_api_token,
    revoke_api_token,
)
from .two_factor import (
    RECOVERY_CODE_COUNT,
    SecondStepResult,
    confirm_totp_device,
    disable_two_factor,
    regenerate_recovery_codes,
    start_totp_setup,
    verify_second_step,
)

__all__ = [
    "CONTACT_FIELDS",
    "INTRODUCTION_ACTIONS",
    "MAX_ACTIVE_TOKENS",
    "MAX_KEYWORDS",
    "MAX_OPEN_REQUESTS",
    "MAX_REQUESTS_PER_DAY",
    "ORGANISATION_FIELDS",
    "PERSON_FIELDS",
    "PROFILE_FIELDS",
    "RECOVERY_CODE_COUNT",
    "REGISTER_COLUMNS",
    "ROR_DEFAULT_COUNTRIES",
    "ROR_IMPORT_FIELDS",
    "SELF_SERVICE_ROLES",
    "TOKEN_TOUCH_INTERVAL",
    "PublicationData",
    "PublicationImportResult",
    "RorImportReport",
    "SecondStepResult",
    "accept_introduction",
    "add_publications",
    "add_to_shortlist",
    "are_connected",
    "assign_roles",
    "authenticate_api_key",
    "block_person",
    "clean_keywords",
    "confirm_totp_device",
    "contact_card",
    "create_api_token",
    "create_profile",
    "create_researcher",
    "decline_introduction",
    "disable_two_factor",
    "email_verification_token",
    "export_disclosures",
    "grant_role",
    "import_publications",
    "import_ror_records",
    "is_blocked",
    "organisation_search_text",
    "person_region",
    "person_roles",
    "regenerate_recovery_codes",
    "region_for_country",
    "register_organisation",
    "remove_from_shortlist",
    "remove_role",
    "request_introduction",
    "researcher_search_text",
    "revoke_api_token",
    "send_email_verification",
    "set_preferred_language",
    "sign_up",
    "start_totp_setup",
    "unblock_person",
    "update_organisation",
    "update_profile",
    "update_shortlist_note",
    "verify_email",
    "verify_second_step",
    "withdraw_introduction",
]
