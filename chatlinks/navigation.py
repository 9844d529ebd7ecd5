"""Which sections of the site a staff member's roles in one business open to them."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    group: str
    title: str
    url: str


def sections_for(membership):
    sections = []
    if membership.is_admin:
        sections.append(Section("Administration", "Django admin", reverse("admin:index")))
    return sections
