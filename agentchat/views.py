"""Smart Agent Chat: My Chats, Teams and Business, each leading to chat links."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from agentchat.lists import ChatListFilterForm, chat_list_page
from chatlinks.models import AuditEntry
from conversations.models import Conversation
from rules.access import Access, access_for, business_page
from rules.presenter import Presenter
from rules.sections import Section


def chat_list(request, membership, section, queryset, intro, **form_options):
    access = access_for(request.user, membership)
    business = membership.business
    form = ChatListFilterForm(request.GET, business, Presenter(access, business), **form_options)
    page, rows = chat_list_page(queryset, form, request.GET.get("page"))
    if access is Access.FULL and rows:
        # Names and unmasked previews: one audit entry for the page, not one per row.
        AuditEntry.objects.shown(
            request.user,
            business,
            access,
            AuditEntry.Kind.LIST,
            f"{section.title}, page {page.number} ({len(rows)} conversations)",
        )
    return render(
        request,
        "agentchat/chat_list.html",
        {
            "membership": membership,
            "heading": section.title,
            "intro": intro,
            "form": form,
            "page": page,
            "rows": rows,
            "access": access,
            "business": business,
        },
    )


@require_GET
@business_page(Section.MY_CHATS)
def my_chats(request, membership):
    queryset = Conversation.objects.filter(business=membership.business, agent=request.user)
    return chat_list(
        request,
        membership,
        Section.MY_CHATS,
        queryset,
        "Conversations assigned to you.",
        with_agent=False,
    )


@require_GET
@business_page(Section.TEAMS)
def team_chats(request, membership):
    teams = list(membership.leads.all())
    queryset = Conversation.objects.filter(
        business=membership.business, team_id__in=[team.pk for team in teams]
    )
    return chat_list(
        request,
        membership,
        Section.TEAMS,
        queryset,
        "Conversations of the teams you lead.",
        teams=teams,
    )


def business_wide(request, membership, section, intro):
    business = membership.business
    return chat_list(
        request,
        membership,
        section,
        Conversation.objects.filter(business=business),
        intro,
        teams=list(business.teams.all()),
    )


@require_GET
@business_page(Section.BUSINESS)
def business_chats(request, membership):
    intro = f"Every conversation of {membership.business.name}."
    return business_wide(request, membership, Section.BUSINESS, intro)


@require_GET
@business_page(Section.SEARCH)
def search(request, membership):
    intro = f"Find any conversation of {membership.business.name}."
    return business_wide(request, membership, Section.SEARCH, intro)
