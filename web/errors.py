"""The error pages that Django's handlers render."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
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
