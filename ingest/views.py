"""The business admin's view of the background jobs that rebuild its derived data."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from conversations.models import Job
from ingest.tasks import retry_job
from rules.sections import Section
from rules.viewer import Viewer, viewer_page
from web.pagination import paginate

JOBS_PER_PAGE = 25


@require_GET
@viewer_page(Section.JOBS)
def jobs(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    business = viewer.business
    page = paginate(
        Job.objects.filter(business=business).order_by("-created_at", "-id"),
        request.GET.get("page"),
        JOBS_PER_PAGE,
    )
    return render(
        request,
        "ingest/jobs.html",
        {"membership": viewer.membership, "business": business, "page": page},
    )


@require_POST
@viewer_page(Section.JOBS)
def retry(request: HttpRequest, viewer: Viewer, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id, business=viewer.business)
    if retry_job(job):
        messages.success(request, "The job is queued again.")
    else:
        messages.info(request, "That job has not failed: there is nothing to retry.")
    return redirect("business-jobs", viewer.business.slug)
