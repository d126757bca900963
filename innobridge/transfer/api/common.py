"""The one router of the transfer API and its error responses; each module of the
package registers its endpoints on it."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["transfer"])
ERRORS = {401: dict, 403: dict, 404: dict, 422: dict}
