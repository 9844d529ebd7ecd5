from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from conversations.models import Membership
from rules.sections import sections_for


@login_required
def home(request):
    """Where signing in leads: each of the user's businesses with the sections they open."""
    memberships = Membership.objects.filter(user=request.user).select_related("business")
    businesses = [(membership, sections_for(membership)) for membership in memberships]
    return render(request, "home.html", {"businesses": businesses})
