"""`POST /api/v1/import`: a business's bot platform pushes records in the import format."""

import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from conversations.models import ApiKey
from ingest.importer import import_records


def error_response(status, message, **headers):
    response = JsonResponse({"errors": [message]}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def over_rate_limit(api_key):
    """Counts the key's requests in the current minute; True past IMPORT_RATE_PER_MINUTE."""
    counter = f"import-rate:{api_key.pk}:{int(time.time() // 60)}"
    cache.add(counter, 0, timeout=120)
    return cache.incr(counter) > settings.IMPORT_RATE_PER_MINUTE


@csrf_exempt  # Authenticated by a bearer key, never by cookies, so CSRF cannot apply.
@require_POST
def import_view(request):
    api_key = ApiKey.objects.authenticate(bearer_token(request))
    if api_key is None:
        return error_response(
            401, "missing or invalid API key", WWW_Authenticate='Bearer realm="import"'
        )

    if over_rate_limit(api_key):
        return error_response(429, "too many requests for this API key", Retry_After="60")

    limit = settings.IMPORT_MAX_BODY_BYTES
    try:
        declared_length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return error_response(400, "invalid Content-Length")
    # Read from the stream, not request.body, so an oversized body is never held in memory.
    body = request.read(limit + 1) if declared_length <= limit else b""
    if declared_length > limit or len(body) > limit:
        return error_response(413, f"body is larger than {limit} bytes")

    try:
        payload = json.loads(body)
    except ValueError as error:
        return error_response(400, f"body: not valid JSON ({error})")
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        return error_response(400, "body: must be a record or an array of records")

    records = ((f"record {index}", record) for index, record in enumerate(payload))
    result = import_records(records, business=api_key.business)
    return JsonResponse(
        {"imported": dict(result.counts), "errors": result.errors},
        status=200 if result.ok else 400,
    )
