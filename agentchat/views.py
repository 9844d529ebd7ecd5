"""Smart Agent Chat: My Chats, Teams and Business, each leading to chat links."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from agentchat.lists import ChatListFilterForm, chat_list_page
from conversations.models import Conversation
from rules.access import access_for, business_page
from rules.sections import Section


def render_chat_list(request, membership, queryset, form, heading, intro):
    access = access_for(request.user, membership)
    page, rows = chat_list_page(queryset, form, access, request.GET.get("page"))
    return render(
        request,
        "agentchat/chat_list.html",
        {
            "membership": membership,
            "heading": heading,
            "intro": intro,
            "form": form,
            "page": page,
            "rows": rows,
            "access": access,
            "business": membership.business,
        },
    )


@require_GET
@business_page(Section.MY_CHATS)
def my_chats(request, membership):
    form = ChatListFilterForm(request.GET, membership.business, with_agent=False)
    queryset = Conversation.objects.filter(business=membership.business, agent=request.user)
    return render_chat_list(
        request, membership, queryset, form, "My Chats", "Conversations assigned to you."
    )


@require_GET
@business_page(Section.TEAMS)
def team_chats(request, membership):
    teams = list(membership.leads.all())
    form = ChatListFilterForm(request.GET, membership.business, teams=teams)
    queryset = Conversation.objects.filter(
        business=membership.business, team_id__in=[team.pk for team in teams]
    )
    return render_chat_list(
        request, membership, queryset, form, "Teams", "Conversations of the teams you lead."
    )


@require_GET
@business_page(Section.BUSINESS)
def business_chats(request, membership):
    form = ChatListFilterForm(
        request.GET,
        membership.business,
        teams=list(membership.business.teams.all()),
        with_search=True,
    )
    queryset = Conversation.objects.filter(business=membership.business)
    return render_chat_list(
        request,
        membership,
        queryset,
        form,
        "Business",
        f"Every conversation of {membership.business.name}.",
    )
