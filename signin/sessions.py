"""Sessions that end: each signed-in session is recorded (UserSession), so that a staff member
sees theirs and ends others, and a change that takes access away (deactivation, a role or the
permission removed, a factor reset, a new password) ends them at once; a session unused for
SESSION_IDLE_MINUTES ends at its next request.

Ending a session deletes its stored session (the session engine's own), so its cookie opens
nothing any more; an engine that stores sessions in the cookie itself cannot end them."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.models import AuditEntry
from conversations.models import Membership
from ingest.actors import Actor
from signin.models import UserSession

# The keys, in a Django session, of its UserSession and of its last use (a timestamp).
RECORD_KEY = "signin_session"
LAST_SEEN_KEY = "signin_last_seen"
LAST_SEEN_PRECISION = dt.timedelta(minutes=1)
DEVICE_LENGTH = UserSession._meta.get_field("device").max_length


def session_store(session_key: str) -> SessionBase:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)


def record_sign_in(request: HttpRequest, user) -> None:
    """After django.contrib.auth.login (whose new session has its key already)."""
    session_key = request.session.session_key
    assert session_key is not None  # login() saved the new session
    record = UserSession.objects.create(
        user=user,
        session_key=session_key,
        last_seen_at=timezone.now(),
        address=request.META.get("REMOTE_ADDR") or None,
        device=request.headers.get("User-Agent", "")[:DEVICE_LENGTH],
    )
    request.session[RECORD_KEY] = record.pk
    request.session[LAST_SEEN_KEY] = record.last_seen_at.timestamp()


def forget_sign_out(request: HttpRequest) -> None:
    """Before django.contrib.auth.logout empties the session."""
    UserSession.objects.filter(pk=request.session.get(RECORD_KEY, 0)).delete()


def end_sessions(user, *, keep: int | None = None) -> None:
    """End every session of `user` but the UserSession `keep`."""
    sessions = UserSession.objects.filter(user=user)
    _end(sessions if keep is None else sessions.exclude(pk=keep))


def end_member_sessions(actor: Actor, membership: Membership) -> None:
    """An admin signs a member out everywhere (a lost laptop). Audited."""
    with transaction.atomic():
        end_sessions(membership.user)
        actor.audit(
            membership.business,
            AuditEntry.Kind.STAFF,
            f"Ended every session of {membership.user.get_username()}",
        )


def end_session(record: UserSession) -> None:
    _end(UserSession.objects.filter(pk=record.pk))


def _end(records: QuerySet[UserSession]) -> None:
    for session_key in records.values_list("session_key", flat=True):
        session_store(session_key).delete()
    records.delete()


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def active_sessions(user) -> list[UserSession]:
    """The user's sessions that are not idle past the limit (those end at their next use)."""
    return list(
        UserSession.objects.filter(user=user, last_seen_at__gte=timezone.now() - idle_limit())
    )


class SessionEndingMiddleware:
    """A signed-in request whose session was left unused past SESSION_IDLE_MINUTES goes on
    signed out (so a page asks to sign in again). An ended session needs nothing here: its
    stored session is gone. No query but once a minute, when the last use is written.
    After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key_before = request.session.session_key
        if request.user.is_authenticated:
            now = timezone.now()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is None or now.timestamp() - last_seen > idle_limit().total_seconds():
                logout(request)
            elif now.timestamp() - last_seen >= LAST_SEEN_PRECISION.total_seconds():
                request.session[LAST_SEEN_KEY] = now.timestamp()
                UserSession.objects.filter(pk=request.session.get(RECORD_KEY)).update(
                    last_seen_at=now
                )
        response = self.get_response(request)
        # A new password gives the session a new key (update_session_auth_hash).
        key_after = request.session.session_key
        if key_before and key_after and key_after != key_before:
            UserSession.objects.filter(pk=request.session.get(RECORD_KEY)).update(
                session_key=key_after
            )
        return response
