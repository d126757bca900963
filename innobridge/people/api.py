"""The people app's API: organisations, researchers, publications."""

from ninja import Router

router = Router(tags=["people"])
