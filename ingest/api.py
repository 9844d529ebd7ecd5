"""`POST /api/v1/import`: a business's bot platform pushes records in the import format, whose
JSON Schema `GET /api/v1/schema.json` serves.

Every answer is JSON. Errors are objects `{"record": N, "field": "...", "message": "..."}`,
with `record` null for an error of the request as a whole; `results` says, record by record,
whether it was created, updated, left unchanged or rejected (docs/import-format.md).
"""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from conversations.models import ApiKey
from ingest import records
from ingest.actors import Actor
from ingest.importer import import_records

READ_CHUNK_BYTES = 64 * 1024
SCHEMA_MAX_AGE = 24 * 60 * 60


def error_response(status: int, field: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse(
        {"errors": [{"record": None, "field": field, "message": message}]}, status=status
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def over_rate_limit(api_key: ApiKey) -> bool:
    """Counts the key's requests in the current minute; True past IMPORT_RATE_PER_MINUTE."""
    counter = f"import-rate:{api_key.pk}:{int(time.time() // 60)}"
    cache.add(counter, 0, timeout=120)
    return bool(cache.incr(counter) > settings.IMPORT_RATE_PER_MINUTE)


class BodyTooLarge(Exception):
    pass


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The request body, never more than `limit` bytes of it held in memory.

    Read from the stream, not request.body. A chunked body (Transfer-Encoding: chunked) has
    no Content-Length, and Django then reads it as empty, so it is read from the server's
    input stream, which de-chunks it, until it ends or passes the limit.
    """
    declared = request.headers.get("Content-Length")
    if declared:
        if int(declared) > limit:
            raise BodyTooLarge
        stream: Any = request
    elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        stream = request.META["wsgi.input"]
    else:
        return b""
    body = bytearray()
    while len(body) <= limit:
        chunk = stream.read(min(READ_CHUNK_BYTES, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        raise BodyTooLarge
    return bytes(body)


@csrf_exempt  # Authenticated by a bearer key, never by cookies, so CSRF cannot apply.
@require_POST
def import_view(request: HttpRequest) -> JsonResponse:
    api_key = ApiKey.objects.authenticate(bearer_token(request))
    if api_key is None:
        return error_response(
            401,
            "Authorization",
            "missing or invalid API key",
            WWW_Authenticate='Bearer realm="import"',
        )

    if over_rate_limit(api_key):
        return error_response(
            429, "Authorization", "too many requests for this API key", Retry_After="60"
        )

    limit = settings.IMPORT_MAX_BODY_BYTES
    try:
        body = read_body(request, limit)
    except ValueError:
        return error_response(400, "Content-Length", "invalid Content-Length")
    except BodyTooLarge:
        return error_response(413, "body", f"body is larger than {limit} bytes")

    try:
        payload = records.loads(body)
    except ValueError as error:
        # UnicodeDecodeError is a ValueError too: a body that is not UTF-8.
        return error_response(400, "body", f"not valid JSON ({error})")
    # A record with a key given twice or a NaN is parsed as an InvalidJSON, rejected on its own.
    if isinstance(payload, dict | records.InvalidJSON):
        payload = [payload]
    if not isinstance(payload, list):
        return error_response(400, "body", "must be a record or an array of records")

    locators = [f"record {index}" for index in range(len(payload))]
    position = {locator: index for index, locator in enumerate(locators)}
    result = import_records(
        zip(locators, payload, strict=True), Actor.key(api_key), business=api_key.business
    )
    rejected = {rejection.locator for rejection in result.rejections}
    results = [
        {
            "record": index,
            "type": records.kind_of(record),
            "result": "rejected" if locator in rejected else result.outcomes[locator],
        }
        for index, (locator, record) in enumerate(zip(locators, payload, strict=True))
    ]
    errors = [
        {
            "record": position[rejection.locator],
            "field": rejection.field,
            "message": rejection.reason,
        }
        for rejection in result.rejections
    ]
    return JsonResponse(
        {"imported": dict(result.counts), "results": results, "errors": errors},
        status=200 if result.ok else 400,
    )


# Public: the format is no secret, and a platform's tooling fetches it without a key.
@require_GET
@cache_control(public=True, max_age=SCHEMA_MAX_AGE)
def schema_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(records.json_schema(), json_dumps_params={"ensure_ascii": False})
