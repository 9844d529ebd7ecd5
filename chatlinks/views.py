from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chatlinks.navigation import sections_for
from conversations.models import Membership


@login_required
def home(request):
    memberships = Membership.objects.filter(user=request.user).select_related("business")
    businesses = [(membership, sections_for(membership)) for membership in memberships]
    return render(request, "home.html", {"businesses": businesses})
