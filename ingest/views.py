"""The business admin's view of the background jobs that rebuild its derived data."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from conversations.models import Job
from rules.access import business_page
from rules.pagination import paginate
from rules.sections import Section

JOBS_PER_PAGE = 25


@require_GET
@business_page(Section.JOBS)
def jobs(request, membership):
    business = membership.business
    page = paginate(
        Job.objects.filter(business=business).order_by("-created_at", "-id"),
        request.GET.get("page"),
        JOBS_PER_PAGE,
    )
    return render(
        request,
        "ingest/jobs.html",
        {"membership": membership, "business": business, "page": page},
    )
