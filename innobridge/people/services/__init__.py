"""Writes of the people app, one module per noun. Each public function checks
permission, validates, changes state and records its audit event in one transaction.

- ``accounts``: sign-up, the signed-in person's language
- ``roles``: the roles a person holds
- ``tokens``: personal API tokens
- ``two_factor``: two-factor sign-in (authenticator app, recovery codes)
- ``organisations``: the ROR import, an organisation's search text
- ``profiles``: researcher profiles and their keywords
- ``publications``: publication import and authorship

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
from .organisations import (
    ROR_DEFAULT_COUNTRIES,
    ROR_IMPORT_FIELDS,
    RorImportReport,
    import_ror_records,
    organisation_search_text,
    region_for_country,
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
    "MAX_ACTIVE_TOKENS",
    "MAX_KEYWORDS",
    "PERSON_FIELDS",
    "PROFILE_FIELDS",
    "RECOVERY_CODE_COUNT",
    "ROR_DEFAULT_COUNTRIES",
    "ROR_IMPORT_FIELDS",
    "SELF_SERVICE_ROLES",
    "TOKEN_TOUCH_INTERVAL",
    "PublicationData",
    "PublicationImportResult",
    "RorImportReport",
    "SecondStepResult",
    "add_publications",
    "assign_roles",
    "authenticate_api_key",
    "clean_keywords",
    "confirm_totp_device",
    "create_api_token",
    "create_profile",
    "create_researcher",
    "disable_two_factor",
    "email_verification_token",
    "grant_role",
    "import_publications",
    "import_ror_records",
    "organisation_search_text",
    "person_roles",
    "regenerate_recovery_codes",
    "region_for_country",
    "remove_role",
    "researcher_search_text",
    "revoke_api_token",
    "send_email_verification",
    "set_preferred_language",
    "sign_up",
    "start_totp_setup",
    "update_profile",
    "verify_email",
    "verify_second_step",
]
