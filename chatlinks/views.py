from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from chatlinks.access import Access, conversation_access
from chatlinks.chat import chat_page, page_of_message
from chatlinks.models import ChatLinkView
from chatlinks.navigation import sections_for
from conversations.models import Conversation, Membership


@login_required
def home(request):
    memberships = Membership.objects.filter(user=request.user).select_related("business")
    businesses = [(membership, sections_for(membership)) for membership in memberships]
    return render(request, "home.html", {"businesses": businesses})


def safe_return_path(request):
    """The list page the viewer came from (`?from=`), if it is a path on this site."""
    path = request.GET.get("from", "")
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return ""


@require_GET
@login_required
def chat_link(request, token):
    conversation = get_object_or_404(
        Conversation.objects.select_related("business", "bot", "end_user", "agent", "team"),
        token=token,
    )
    access = conversation_access(request.user, conversation)
    if access is Access.NONE:
        # The same answer as for a token that does not exist: a link never reveals a chat.
        raise Http404
    return_path = safe_return_path(request)

    jump_to = request.GET.get("message", "")
    if jump_to.isdigit():
        params = QueryDict(mutable=True)
        params["page"] = page_of_message(int(jump_to))
        if return_path:
            params["from"] = return_path
        url = reverse("chat-link", args=[token])
        return redirect(f"{url}?{params.urlencode()}#m{int(jump_to)}")

    ChatLinkView.objects.record(request.user, conversation, access)
    context = chat_page(conversation, access, request.GET.get("page"))
    context["share_url"] = request.build_absolute_uri(reverse("chat-link", args=[token]))
    context["return_path"] = return_path
    response = render(request, "chatlinks/chat.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
