"""The platform's API, under /api/ (OpenAPI at /api/openapi.json, docs at /api/docs)."""

from ninja import NinjaAPI

from innobridge.people.api import router as people_router

api = NinjaAPI(
    title="InnoBridge API",
    version="1.0",
    description="Science and technology cooperation between Hong Kong and the Mainland.",
    urls_namespace="api",
)
api.add_router("/", people_router)
