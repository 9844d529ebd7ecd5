"""The chat pages: a chat link (`/c/<token>/`) for the business's staff, as much of the
conversation as the viewer may see, its live updates and attachments, the external share links
made from it, and such a link's page (`/s/<token>/`), always masked."""

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEntry
from chats.chat import (
    chat_page,
    messages_after,
    page_of_message,
    position_of,
    position_of_number,
)
from conversations.models import Conversation
from rules.access import membership_of
from rules.viewer import Viewer, viewer_of_request
from sharelinks.forms import ShareLinkForm
from sharelinks.models import ShareLink

# ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses or reads
# as another number. Nine digits are more messages than any conversation has.
MESSAGE_NUMBER = re.compile(r"[0-9]{1,9}")
LAST = "last"


def safe_return_path(request):
    """The list page the viewer came from (`?from=`), if it is a path on this site."""
    path = request.GET.get("from", "")
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return ""


def viewed_conversation(request, token):
    """The chat pages' guard: the conversation of a chat link and its `Viewer`, resolved once;
    404 for a viewer who may not open it, as for a token that does not exist: a link never
    reveals a chat."""
    conversation = get_object_or_404(
        Conversation.objects.select_related("business", "bot", "end_user", "agent", "team"),
        token=token,
    )
    business = conversation.business
    viewer = viewer_of_request(request, membership_of(request.user, business), business)
    if not viewer.may_open:
        raise Http404
    return conversation, viewer


@require_GET
@login_required
def chat_link(request, token):
    conversation, viewer = viewed_conversation(request, token)
    return_path = safe_return_path(request)

    # A message by its number ("Go to message #"), or the last one (CSAT's View Chat).
    jump_to = request.GET.get("message", "").strip()
    if MESSAGE_NUMBER.fullmatch(jump_to) or jump_to == LAST:
        number = None if jump_to == LAST else int(jump_to)
        return at_message(token, *position_of_number(conversation, number, viewer), return_path)
    if jump_to:
        messages.error(request, "Go to message: enter a message number, such as 12.")
    # A message by its id, as View Chat and search results link to it.
    message_id = request.GET.get("m", "")
    if MESSAGE_NUMBER.fullmatch(message_id):
        found = position_of(conversation, int(message_id), viewer)
        if found is not None:
            return at_message(token, *found, return_path)

    audited_unless_removed(AuditEntry.objects.opened, request.user, conversation, viewer.access)
    context = chat_page(conversation, viewer, request.GET.get("page"))
    context["membership"] = viewer.membership
    context["share_url"] = request.build_absolute_uri(reverse("chat-link", args=[token]))
    context["return_path"] = return_path
    context["updates_url"] = reverse("chat-updates", args=[token])
    if viewer.may_share_by_link:
        context["share_links"] = conversation.share_links.select_related("created_by")
        context["share_form"] = ShareLinkForm()
    response = render(request, "chats/chat.html", context)
    if viewer.sees_personal_data:
        # Pictures show through the attachment view, which sends the browser on to where the
        # platform keeps them; masked pages have no picture to allow (rules.presenter).
        response._csp_update = {"img-src": "https:"}  # type: ignore[attr-defined]  # django-csp reads it
    return private_page(response)


@require_GET
@login_required
def chat_updates(request, token):
    """What the chat page's live updates ask for: the messages after `?after=` (a position),
    as the chat page would show them, and whether the conversation has closed.

    Not audited: opening the chat link was, and this shows nothing it did not allow.
    """
    conversation, viewer = viewed_conversation(request, token)
    return updates_response(conversation, viewer, request.GET.get("after", ""))


@require_GET
def shared_updates(request, token):
    """The live updates of an external share link: masked, no private note."""
    share_link = get_object_or_404(
        ShareLink.objects.active().select_related(
            "conversation__business", "conversation__bot", "conversation__end_user"
        ),
        token=token,
    )
    conversation = share_link.conversation
    viewer = Viewer.through_link(request.user, conversation.business)
    return updates_response(conversation, viewer, request.GET.get("after", ""))


def updates_response(conversation, viewer, after):
    if not MESSAGE_NUMBER.fullmatch(after):
        return JsonResponse(
            {"error": "after: give the position of the last message shown"}, status=400
        )
    transcript, last, previous_day = messages_after(conversation, viewer, int(after))
    html = render_to_string(
        "chats/messages.html",
        {"transcript": transcript, "live": True, "previous_day": previous_day},
    )
    response = JsonResponse({"html": html, "last": last, "closed": conversation.is_closed})
    return private_page(response)


@require_GET
@login_required
def attachment(request, token, message_id, ref):
    """An attachment or card picture of a message, for full viewers alone: the viewer is sent
    on to where the platform keeps it, and the opening is audited. Masked viewers get 404, as
    their pages never link here."""
    conversation, viewer = viewed_conversation(request, token)
    if not viewer.sees_personal_data:
        raise Http404
    message = get_object_or_404(conversation.messages.only("data"), pk=message_id)
    url = media_url(message.data, ref)
    if url is None:
        raise Http404
    audited_unless_removed(
        AuditEntry.objects.attachment_opened,
        request.user,
        conversation,
        f"{ref} of message {message.pk}",
    )
    return private_page(HttpResponseRedirect(url))


def audited_unless_removed(record: Callable[..., object], *args: Any) -> None:
    """Write the audit entry of an opening, or answer 404 for a conversation removed since it
    was looked up (retention or an erasure, running meanwhile): its entry's reference fails
    when the entry is committed, and a page of it would show what no longer exists."""
    try:
        with transaction.atomic():
            record(*args)
    except IntegrityError:
        raise Http404 from None


MEDIA_REF = re.compile(r"([ac])([0-9]{1,3})")


def media_url(data, ref):
    """The URL of attachment `aN` or of card `cN`'s picture, if the message has it; import
    checked that it is an http or https URL (ingest.records)."""
    match = MEDIA_REF.fullmatch(ref)
    if match is None:
        return None
    items = data.get("attachments" if match[1] == "a" else "cards", [])
    index = int(match[2])
    if index >= len(items):
        return None
    return items[index].get("url" if match[1] == "a" else "image")


def at_message(token: str, position: int, number: int, return_path: str) -> HttpResponse:
    """A redirect to the transcript page that shows the message at `position`, focused by its
    anchor, `number`."""
    params = QueryDict(mutable=True)
    params["page"] = page_of_message(position)
    if return_path:
        params["from"] = return_path
    url = reverse("chat-link", args=[token])
    return redirect(f"{url}?{params.urlencode()}#m{number}")


def private_page(response):
    """Chat pages stay out of caches, search engines and other sites' referrer logs."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def conversation_for_sharing(request, token):
    """The conversation, if the signed-in user may manage its external links."""
    conversation, viewer = viewed_conversation(request, token)
    if not viewer.may_share_by_link:
        raise Http404
    return conversation


@require_POST
@login_required
def create_share_link(request, token):
    conversation = conversation_for_sharing(request, token)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["days"][0]))
        return redirect(reverse("chat-link", args=[token]) + "#share-links")
    share_link = ShareLink.create_for(conversation, request.user, form.cleaned_data["days"])
    messages.success(request, "External link created. It shows the conversation masked.")
    return redirect(reverse("chat-link", args=[token]) + f"#share-link-{share_link.pk}")


@require_POST
@login_required
def revoke_share_link(request, token, share_id):
    conversation = conversation_for_sharing(request, token)
    # Looked up among this conversation's links only: another conversation's link is not
    # found here, and nothing is said to be revoked that was not.
    share_link = get_object_or_404(conversation.share_links, pk=share_id)
    if share_link.revoked_at is None:
        conversation.share_links.filter(pk=share_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        messages.success(request, "External link revoked.")
    else:
        messages.info(request, "That external link was already revoked.")
    return redirect(reverse("chat-link", args=[token]) + "#share-links")


@require_GET
def shared_conversation(request, token):
    """An external share link: no sign-in, always masked, one conversation only."""
    share_link = get_object_or_404(
        ShareLink.objects.active().select_related(
            "conversation__business",
            "conversation__bot",
            "conversation__end_user",
            "conversation__agent",
            "conversation__team",
        ),
        token=token,
    )
    conversation = share_link.conversation
    viewer = Viewer.through_link(request.user, conversation.business)
    audited_unless_removed(
        AuditEntry.objects.opened, request.user, conversation, viewer.access, share_link
    )
    context = chat_page(conversation, viewer, request.GET.get("page"))
    context["share_url"] = request.build_absolute_uri(reverse("shared-conversation", args=[token]))
    context["external_link"] = share_link
    context["updates_url"] = reverse("shared-updates", args=[token])
    return private_page(render(request, "chats/chat.html", context))
