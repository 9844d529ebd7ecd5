from chatlinks.navigation import sections_for


def navigation(request):
    """The header menu of a business's pages: its sections and the user's other businesses."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}

    def other_businesses():
        return [
            (other.business, sections_for(other)[0][1] if sections_for(other) else "/")
            for other in request.user.memberships.select_related("business").exclude(
                pk=membership.pk
            )
        ]

    return {
        "current_membership": membership,
        "nav_sections": sections_for(membership),
        "other_businesses": other_businesses,
    }
