"""URLs. The UI language comes from the visitor's choice (a cookie set by the
language switcher) or else the browser's Accept-Language (zh-HK and zh-TW → 繁體中文,
zh-CN → 简体中文), so every page lives at one address in all three languages.

Uploaded files have no URL here, in any mode: they go out only through views that check
who asks."""

from django.contrib import admin
from django.urls import include, path

from innobridge import views as site_views
from innobridge.api import api
from innobridge.core import views as core_views
from innobridge.people import views as people_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("i18n/setlang/", people_views.set_language, name="set_language"),
    path("api/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("innobridge.people.account_urls")),
    path("people/", include("innobridge.people.urls")),
    path("facilities/", include("innobridge.facilities.urls")),
    path("funding/", include("innobridge.funding.urls")),
    path("transfer/", include("innobridge.transfer.urls")),
    path("exchange/", include("innobridge.exchange.urls")),
    path("plan/", include("innobridge.plan.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "innobridge.views.bad_request"
handler403 = "innobridge.views.permission_denied"
handler404 = "innobridge.views.page_not_found"
handler500 = "innobridge.views.server_error"
