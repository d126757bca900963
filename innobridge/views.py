"""Project-level pages that compose the apps (like urls.py, this module may read
every app, through their selectors)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from innobridge.people import selectors as people_selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"stats": people_selectors.directory_stats()})
