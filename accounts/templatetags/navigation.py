"""The header of a business's pages: its sections, and the viewer's other businesses.

Views pass the viewer's membership of the page's business to their template as `membership`;
the header is built from it alone.
"""

from django import template
from django.utils.functional import cached_property

from rules.sections import sections_for

register = template.Library()


class Navigation:
    def __init__(self, membership):
        self.membership = membership

    @cached_property
    def sections(self):
        return sections_for(self.membership)

    @cached_property
    def other_businesses(self):
        """(business, the URL of its first section, or of the home page) for each other one."""
        others = self.membership.user.memberships.select_related("business").exclude(
            pk=self.membership.pk
        )
        return [
            (other.business, next(iter(sections_for(other)), (None, "/"))[1]) for other in others
        ]


@register.simple_tag
def business_navigation(membership):
    return Navigation(membership) if membership else None
