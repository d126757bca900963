"""A URLconf for tests/core/test_memo.py: another site's addresses."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("somewhere-else/", lambda request: HttpResponse(), name="other")]
