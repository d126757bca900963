"""The funding app's API (mounted at /api/funding/): the same calls, selectors and
services as the pages, one module per noun. Errors from the services become 422 (with
every message) or 403."""

from ninja import Router

from . import awards, calls, projects, proposals, review

router = Router(tags=["funding"])
for _module in (calls, proposals, review, projects, awards):
    router.add_router("", _module.router)
