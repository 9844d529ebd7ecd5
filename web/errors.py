"""The error pages that Django's handlers render, and our own 404 page under DEBUG too."""

import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler; a database that is down or restarting answers 503, not a traceback.

    It renders templates that need no database, since the database may be what failed.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "500.html", status=500)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


class NotFoundPageMiddleware:
    """Our 404 page even with DEBUG on (`make run`): Django's own would list every URL pattern,
    and a revoked share link must look like any link that never was."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No view was found for the URL: under DEBUG, Django answered with its debug page.
        unresolved = getattr(request, "resolver_match", None) is None
        if settings.DEBUG and response.status_code == 404 and unresolved:
            return not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return not_found(request) if isinstance(exception, Http404) else None
