"""Smart Agent Chat: My Chats, Teams and Business, each leading to chat links."""

from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from agentchat.lists import ChatList, ChatListFilterForm
from audit.models import AuditEntry
from conversations.models import Conversation
from rules.sections import Section
from rules.viewer import viewer_page


def chat_list(request, viewer, section, queryset, intro, **form_options):
    form = ChatListFilterForm(request.GET, viewer, **form_options)
    chats = ChatList(viewer, queryset, form.chosen())
    page, rows = chats.page(request.GET.get("page"))
    if viewer.sees_personal_data and rows:
        # Names and unmasked previews: one audit entry for the page, not one per row.
        AuditEntry.objects.listed(
            request.user,
            viewer.business,
            viewer.access,
            f"{section.title}{', searched' if chats.search else ''}, page {page.number} "
            + ngettext(
                "(%(shown)d of %(count)d conversation)",
                "(%(shown)d of %(count)d conversations)",
                page.paginator.count,
            )
            % {"shown": len(rows), "count": page.paginator.count},
            request.GET,
        )
    return render(
        request,
        "agentchat/chat_list.html",
        {
            "membership": viewer.membership,
            "viewer": viewer,
            "heading": section.title,
            "intro": intro,
            "form": form,
            "search": chats.search,
            "page": page,
            "rows": rows,
            "business": viewer.business,
        },
    )


@require_GET
@viewer_page(Section.MY_CHATS)
def my_chats(request, viewer):
    queryset = Conversation.objects.filter(business=viewer.business, agent=request.user)
    return chat_list(
        request,
        viewer,
        Section.MY_CHATS,
        queryset,
        "Conversations assigned to you.",
        with_agent=False,
    )


@require_GET
@viewer_page(Section.TEAMS)
def team_chats(request, viewer):
    teams = list(viewer.membership.leads.all())
    queryset = Conversation.objects.filter(
        business=viewer.business, team_id__in=[team.pk for team in teams]
    )
    return chat_list(
        request,
        viewer,
        Section.TEAMS,
        queryset,
        "Conversations of the teams you lead.",
        teams=teams,
    )


def business_wide(request, viewer, section, intro):
    business = viewer.business
    return chat_list(
        request,
        viewer,
        section,
        Conversation.objects.filter(business=business),
        intro,
        teams=list(business.teams.all()),
    )


@require_GET
@viewer_page(Section.BUSINESS)
def business_chats(request, viewer):
    intro = f"Every conversation of {viewer.business.name}."
    return business_wide(request, viewer, Section.BUSINESS, intro)


@require_GET
@viewer_page(Section.SEARCH)
def search(request, viewer):
    intro = f"Find any conversation of {viewer.business.name}."
    return business_wide(request, viewer, Section.SEARCH, intro)
