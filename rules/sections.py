"""The sections of the site, and which roles in a business open each of them."""

import enum

from django.urls import reverse

from conversations.models import Business, Membership, Role


class Group(enum.StrEnum):
    SMART_AGENT_CHAT = "Smart Agent Chat"
    INTELLIGENT_ANALYTICS = "Intelligent Analytics"
    ADMINISTRATION = "Administration"


class Section(enum.Enum):
    """A page of a business, in menu order; the roles of a membership that open it."""

    MY_CHATS = (Group.SMART_AGENT_CHAT, "My Chats", "my-chats", (Role.AGENT,))
    TEAMS = (Group.SMART_AGENT_CHAT, "Teams", "team-chats", (Role.TEAM_LEAD,))
    BUSINESS = (Group.SMART_AGENT_CHAT, "Business", "business-chats", (Role.TEAM_LEAD, Role.ADMIN))
    # Any conversation of the business, as its chat links are open to all its chat staff.
    SEARCH = (
        Group.SMART_AGENT_CHAT,
        "Search",
        "business-search",
        (Role.AGENT, Role.TEAM_LEAD, Role.ADMIN),
    )
    MESSAGE_ANALYSIS = (
        Group.INTELLIGENT_ANALYTICS,
        "Message Analysis",
        "analytics-messages",
        (Role.ANALYST, Role.TEAM_LEAD, Role.ADMIN),
    )
    WORD_ANALYSIS = (
        Group.INTELLIGENT_ANALYTICS,
        "Word Analysis",
        "analytics-words",
        (Role.ANALYST, Role.TEAM_LEAD, Role.ADMIN),
    )
    CSAT = (
        Group.INTELLIGENT_ANALYTICS,
        "CSAT / User Reviews",
        "analytics-csat",
        (Role.ANALYST, Role.TEAM_LEAD, Role.ADMIN),
    )
    AGENTS = (
        Group.INTELLIGENT_ANALYTICS,
        "Agents and teams",
        "analytics-agents",
        (Role.ANALYST, Role.TEAM_LEAD, Role.ADMIN),
    )
    TOPICS = (
        Group.INTELLIGENT_ANALYTICS,
        "Bot-break topics",
        "analytics-topics",
        (Role.ANALYST, Role.TEAM_LEAD, Role.ADMIN),
    )
    # The business admin's console (console/): never across businesses, admin role only.
    STAFF = (Group.ADMINISTRATION, "Staff", "console-staff", (Role.ADMIN,))
    BOTS = (Group.ADMINISTRATION, "Bots and entities", "console-bots", (Role.ADMIN,))
    API_KEYS = (Group.ADMINISTRATION, "API keys", "console-api-keys", (Role.ADMIN,))
    AUDIT_LOG = (Group.ADMINISTRATION, "Audit log", "console-audit-log", (Role.ADMIN,))
    SETTINGS = (Group.ADMINISTRATION, "Settings", "console-settings", (Role.ADMIN,))
    PRIVACY = (Group.ADMINISTRATION, "Privacy requests", "console-privacy", (Role.ADMIN,))
    JOBS = (Group.ADMINISTRATION, "Background jobs", "business-jobs", (Role.ADMIN,))

    def __init__(self, group: Group, title: str, url_name: str, roles: tuple[Role, ...]):
        self.group = group
        self.title = title
        self.url_name = url_name
        self.roles = roles

    def allows(self, membership: Membership) -> bool:
        return any(membership.has_role(role) for role in self.roles)

    def url(self, business: Business) -> str:
        return reverse(self.url_name, args=[business.slug])


def sections_for(membership: Membership) -> list[tuple[Section, str]]:
    """(section, URL) for each section the membership's roles open, in menu order."""
    return [
        (section, section.url(membership.business))
        for section in Section
        if section.allows(membership)
    ]
