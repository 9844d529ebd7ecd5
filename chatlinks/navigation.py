"""The sections of the site, and which roles in a business open each of them."""

from dataclasses import dataclass

from django.urls import reverse

SMART_AGENT_CHAT = "Smart Agent Chat"
INTELLIGENT_ANALYTICS = "Intelligent Analytics"
ANALYTICS_ROLES = ("analyst", "team_lead", "admin")


@dataclass(frozen=True)
class Section:
    group: str
    title: str
    url_name: str
    roles: tuple

    def allows(self, membership):
        return any(membership.has_role(role) for role in self.roles)

    def url(self, business):
        return reverse(self.url_name, args=[business.slug])


SECTIONS = [
    Section(SMART_AGENT_CHAT, "My Chats", "my-chats", ("agent",)),
    Section(SMART_AGENT_CHAT, "Teams", "team-chats", ("team_lead",)),
    Section(SMART_AGENT_CHAT, "Business", "business-chats", ("team_lead", "admin")),
    Section(INTELLIGENT_ANALYTICS, "Message Analysis", "analytics-messages", ANALYTICS_ROLES),
    Section(INTELLIGENT_ANALYTICS, "Word Analysis", "analytics-words", ANALYTICS_ROLES),
    Section(INTELLIGENT_ANALYTICS, "CSAT / User Reviews", "analytics-csat", ANALYTICS_ROLES),
]


def sections_for(membership):
    """(section, URL) for each section the membership's roles open, in menu order."""
    return [
        (section, section.url(membership.business))
        for section in SECTIONS
        if section.allows(membership)
    ]


def section(url_name):
    return next(s for s in SECTIONS if s.url_name == url_name)
