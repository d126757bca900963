"""The transfer API (under /api/transfer/): offers, demands, matches, deals, funnels.

Typed input and output schemas on every endpoint; inputs take their limits from the model
fields (``FromModel``), so bad input is a 422 naming the field. Errors: 401 without a
signed-in user where one is needed, 403 when the table or the who-sees-what rules refuse,
404 for what the reader may not see, 422 for invalid input.

One module per noun; each registers its endpoints on the one ``router``.
"""

from . import deals, demands, enterprises, memberships, offers
from .common import router

__all__ = ["deals", "demands", "enterprises", "memberships", "offers", "router"]
