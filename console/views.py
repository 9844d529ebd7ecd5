"""The business admin's console: staff, bots and entities, API keys, the audit log, settings,
privacy requests.

Every page is a page of one business (rules.viewer.viewer_page): 404 for anyone who is not
its staff, 403 for staff without the admin role. Objects are always looked up within that
business, so an id of another business's object is a 404 too. The rules live in
console.staff, console.audit and console.forms, and every change is made by the writer
(ingest), which audits it: these views only wire them to templates.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chats.transcript import words_of
from console import staff as staff_rules
from console import tasks
from console.audit import AUDIT_FIELDS, audit_csv, audit_rows, filtered_entries
from console.forms import (
    USERNAME_TAKEN,
    ApiKeyForm,
    AuditFilterForm,
    MemberForm,
    NewMemberForm,
    PrivacySearchForm,
    SettingsForm,
)
from conversations.models import ApiKey, Bot, EndUser, Entity, Job, Membership
from ingest import keys, lifecycle, writer
from ingest.actors import PERMISSION_NAME, Actor
from ingest.staff import (
    UsernameTaken,
    change_staff,
    create_staff,
    deactivate_staff,
    set_personal_details_permission,
    works_only_for,
)
from ingest.tasks import request_erasure
from rules.sections import Section
from rules.viewer import viewer_page
from signin import factor, sessions
from signin.background import after_response
from web.pagination import paginate, paginate_by_id

STAFF_PER_PAGE = 25
BOTS_PER_PAGE = 10
API_KEYS_PER_PAGE = 25
AUDIT_PER_PAGE = 50
CSV_CHUNK = 2000


def unless_revealing_allowed(viewer, what):
    """403, with the reason, for an admin who does not see personal data in full."""
    if not viewer.may_reveal_personal_data:
        raise PermissionDenied(
            f"Only an admin who holds {PERMISSION_NAME} for {viewer.business.name} can {what}."
        )


def confirm(request, viewer, *, title, question, consequence, action, cancel_url):
    """The page that asks before a change that reveals personal data or cannot be undone;
    its form POSTs to the same URL."""
    return render(
        request,
        "console/confirm.html",
        {
            "membership": viewer.membership,
            "business": viewer.business,
            "title": title,
            "question": question,
            "consequence": consequence,
            "action": action,
            "cancel_url": cancel_url,
        },
    )


# --- Staff -----------------------------------------------------------------------------------


def member_of(viewer, member_id):
    return get_object_or_404(
        Membership.objects.select_related("user", "business"),
        pk=member_id,
        business=viewer.business,
    )


@require_GET
@viewer_page(Section.STAFF)
def staff(request, viewer):
    business = viewer.business
    page = paginate(
        Membership.objects.filter(business=business)
        .select_related("user")
        .prefetch_related("teams", "leads")
        .order_by("user__username", "pk"),
        request.GET.get("page"),
        STAFF_PER_PAGE,
    )
    holders = staff_rules.permission_holders(business, [member.user_id for member in page])
    presenter = viewer.presenter

    def team_names(teams):
        return [presenter.label(team.name) for team in teams]

    return render(
        request,
        "console/staff.html",
        {
            "membership": viewer.membership,
            "business": business,
            "page": page,
            "members": [
                (
                    member,
                    holders.get(member.user_id),
                    team_names(member.teams.all()),
                    team_names(member.leads.all()),
                )
                for member in page
            ],
            "permission_name": PERMISSION_NAME,
            "may_reveal": viewer.may_reveal_personal_data,
        },
    )


@require_http_methods(["GET", "POST"])
@viewer_page(Section.STAFF)
def add_member(request, viewer):
    business = viewer.business
    form = NewMemberForm(
        request.POST or None,
        business=business,
        actor=viewer.membership,
        presenter=viewer.presenter,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_member = create_staff(
                Actor.staff(request.user),
                business,
                data["username"],
                password=data["password"] or None,
                email=data["email"],
                display_name=data["display_name"],
                roles=data["roles"],
                teams=data["teams"],
                leads=data["leads"],
            )
        except UsernameTaken:  # made since the form checked
            form.add_error("username", USERNAME_TAKEN)
        else:
            response = redirect("console-staff", business.slug)
            if not data["password"]:
                return send_password_link(request, new_member, response)
            messages.success(request, f"{data['username']} can now sign in to {business.name}.")
            return response
    return render(
        request,
        "console/member_form.html",
        {"membership": viewer.membership, "business": business, "form": form, "member": None},
    )


@require_http_methods(["GET", "POST"])
@viewer_page(Section.STAFF)
def member(request, viewer, member_id):
    business = viewer.business
    member = member_of(viewer, member_id)
    form = MemberForm(
        request.POST or None,
        business=business,
        actor=viewer.membership,
        presenter=viewer.presenter,
        member=member,
    )
    if not staff_rules.may_rename(member):
        form.keep_display_name(
            "They also work for another business: the platform operator names them."
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change_staff(
            Actor.staff(request.user),
            member,
            display_name=form.new_display_name(),
            roles=data["roles"],
            teams=data["teams"],
            leads=data["leads"],
        )
        messages.success(request, f"Saved the changes to {member.user.get_username()}.")
        return redirect("console-staff", business.slug)
    return render(
        request,
        "console/member_form.html",
        {
            "membership": viewer.membership,
            "business": business,
            "form": form,
            "member": member,
            "may_email_password_link": staff_rules.may_email_password_link(member),
            "has_second_factor": factor.authenticator(member.user) is not None,
        },
    )


# Granting reveals personal data, so it asks first; revoking, the safe way, applies at once.
@require_http_methods(["GET", "POST"])
@viewer_page(Section.STAFF)
def grant_personal_details(request, viewer, member_id):
    unless_revealing_allowed(viewer, "grant it")
    member = member_of(viewer, member_id)
    username = member.user.get_username()
    if request.method == "POST":
        set_personal_details_permission(
            Actor.staff(request.user), member.user, viewer.business, True
        )
        messages.success(
            request,
            f"{username} now sees personal details in "
            f"{viewer.business.name} (agents, team leads and admins; never analysts).",
        )
        return redirect("console-staff", viewer.business.slug)
    return confirm(
        request,
        viewer,
        title=f"Grant {PERMISSION_NAME}",
        question=f"Grant {PERMISSION_NAME} to {username}?",
        consequence="From their next page on, they see the users' names, emails, phones and "
        "personal entities in every conversation they open, unmasked (never as an analyst).",
        action="Grant",
        cancel_url=reverse("console-staff", args=[viewer.business.slug]),
    )


@require_POST
@viewer_page(Section.STAFF)
def revoke_personal_details(request, viewer, member_id):
    member = member_of(viewer, member_id)
    set_personal_details_permission(Actor.staff(request.user), member.user, viewer.business, False)
    messages.success(request, f"{member.user.get_username()} now sees personal details masked.")
    return redirect("console-staff", viewer.business.slug)


def send_password_link(request, member, response):
    """Have `member` emailed their invitation or a new password link by a background task,
    which `response` does not wait for: the answer takes the same time whatever the mail
    server does (signin.background)."""
    messages.success(request, f"Sending {member.user.get_username()} a link to choose a password.")
    return after_response(
        response,
        tasks.email_password_link,
        membership_id=member.pk,
        admin_id=request.user.pk,
        site=request.build_absolute_uri("/"),
    )


@require_POST
@viewer_page(Section.STAFF)
def email_password_link(request, viewer, member_id):
    member = member_of(viewer, member_id)
    if not staff_rules.may_email_password_link(member):
        raise PermissionDenied(
            "Only an account of this business alone, active and with an email address, is "
            "sent a password link from here."
        )
    return send_password_link(
        request, member, redirect("console-member", viewer.business.slug, member.pk)
    )


@require_POST
@viewer_page(Section.STAFF)
def reset_second_factor(request, viewer, member_id):
    # Whoever holds the member's password may then enrol a new app and see in full: a reveal.
    unless_revealing_allowed(viewer, "reset a second factor")
    member = member_of(viewer, member_id)
    if not works_only_for(member.user, viewer.business):
        raise PermissionDenied(
            "They also work for another business: the platform operator resets their second factor."
        )
    factor.reset_second_factor(Actor.staff(request.user), member)
    messages.success(
        request,
        f"Reset the second factor of {member.user.get_username()}: they set up an "
        "authenticator app again when they next verify.",
    )
    return redirect("console-member", viewer.business.slug, member.pk)


@require_POST
@viewer_page(Section.STAFF)
def end_member_sessions(request, viewer, member_id):
    member = member_of(viewer, member_id)
    sessions.end_member_sessions(Actor.staff(request.user), member)
    messages.success(request, f"Signed {member.user.get_username()} out everywhere.")
    return redirect("console-member", viewer.business.slug, member.pk)


@require_http_methods(["GET", "POST"])
@viewer_page(Section.STAFF)
def deactivate_member(request, viewer, member_id):
    member = member_of(viewer, member_id)
    username = member.user.get_username()
    staff_url = reverse("console-staff", args=[viewer.business.slug])
    if member.pk == viewer.membership.pk:
        messages.error(request, "You cannot deactivate yourself; another admin can.")
        return redirect(staff_url)
    if request.method == "POST":
        deactivate_staff(Actor.staff(request.user), member)
        messages.success(request, f"Deactivated {username}.")
        return redirect(staff_url)
    return confirm(
        request,
        viewer,
        title=f"Deactivate {username}",
        question=f"Deactivate {username}?",
        consequence="They lose every role, team and the personal-details permission here, "
        "and can no longer open this business's pages or chat links. The conversations they "
        "handled keep their name. Give them roles again to bring them back.",
        action="Deactivate",
        cancel_url=staff_url,
    )


# --- Bots and entities -----------------------------------------------------------------------


@require_GET
@viewer_page(Section.BOTS)
def bots(request, viewer):
    business = viewer.business
    page = paginate(
        Bot.objects.filter(business=business).prefetch_related("entities").order_by("name", "pk"),
        request.GET.get("page"),
        BOTS_PER_PAGE,
    )
    # Names a business chose may hold anything typed into them: shown as the admin may see.
    presenter = viewer.presenter
    shown = [
        (
            bot,
            presenter.label(bot.name),
            [(entity, presenter.label(entity.name)) for entity in bot.entities.all()],
        )
        for bot in page
    ]
    latest_job = Job.objects.filter(business=business).order_by("-created_at", "-id").first()
    return render(
        request,
        "console/bots.html",
        {
            "membership": viewer.membership,
            "business": business,
            "page": page,
            "bots": shown,
            "latest_job": latest_job,
            "may_reveal": viewer.may_reveal_personal_data,
        },
    )


def entity_of(viewer, entity_id):
    return get_object_or_404(
        Entity.objects.select_related("bot"), pk=entity_id, bot__business=viewer.business
    )


def mark_entity(request, viewer, entity, personal):
    writer.mark_entity(Actor.staff(request.user), entity, personal)
    messages.success(
        request,
        "Saved. Stored texts are masked again and the analytics recounted in the background: "
        "see the latest job below.",
    )
    return redirect("console-bots", viewer.business.slug)


@require_POST
@viewer_page(Section.BOTS)
def mark_personal(request, viewer, entity_id):
    return mark_entity(request, viewer, entity_of(viewer, entity_id), personal=True)


@require_http_methods(["GET", "POST"])
@viewer_page(Section.BOTS)
def mark_not_personal(request, viewer, entity_id):
    unless_revealing_allowed(viewer, "stop masking an entity")
    entity = entity_of(viewer, entity_id)
    if request.method == "POST":
        return mark_entity(request, viewer, entity, personal=False)
    presenter = viewer.presenter
    name = presenter.label(entity.name)
    return confirm(
        request,
        viewer,
        title=f"Stop masking {name}",
        question=f"Mark the entity {name} of {presenter.label(entity.bot.name)} as not personal?",
        consequence="Staff without the personal-details permission, and analysts, will then "
        "see its values wherever they appear.",
        action="Mark not personal",
        cancel_url=reverse("console-bots", args=[viewer.business.slug]),
    )


# --- API keys --------------------------------------------------------------------------------


def api_key_of(viewer, key_id):
    return get_object_or_404(
        ApiKey.objects.select_related("business"), pk=key_id, business=viewer.business
    )


def api_keys_page(request, viewer, form=None):
    """The list of keys, with the form to create one (`form`: one that did not validate)."""
    business = viewer.business
    page = paginate(
        ApiKey.objects.filter(business=business).order_by("-created_at", "-id"),
        request.GET.get("page"),
        API_KEYS_PER_PAGE,
    )
    return render(
        request,
        "console/api_keys.html",
        {
            "membership": viewer.membership,
            "business": business,
            "page": page,
            "may_reveal": viewer.may_reveal_personal_data,
            "form": form or ApiKeyForm(),
        },
    )


@require_GET
@viewer_page(Section.API_KEYS)
def api_keys(request, viewer):
    return api_keys_page(request, viewer)


@require_POST
@viewer_page(Section.API_KEYS)
def create_api_key(request, viewer):
    unless_revealing_allowed(viewer, "create an API key")
    business = viewer.business
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return api_keys_page(request, viewer, form)
    name = form.cleaned_data["name"]
    api_key, raw_key = keys.issue_api_key(Actor.staff(request.user), business, name)
    # Rendered, not redirected to: the key is shown this once and never stored.
    response = render(
        request,
        "console/api_key_created.html",
        {
            "membership": viewer.membership,
            "business": business,
            "api_key": api_key,
            "raw_key": raw_key,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@viewer_page(Section.API_KEYS)
def revoke_api_key(request, viewer, key_id):
    api_key = api_key_of(viewer, key_id)
    keys_url = reverse("console-api-keys", args=[viewer.business.slug])
    if not api_key.is_active:
        messages.info(request, f"The key {api_key.label} was already revoked.")
        return redirect(keys_url)
    if request.method == "POST":
        keys.revoke_api_key(Actor.staff(request.user), api_key)
        messages.success(request, f"Revoked the key {api_key.label}.")
        return redirect(keys_url)
    return confirm(
        request,
        viewer,
        title=f"Revoke the API key {api_key.label}",
        question=f"Revoke the API key {api_key.label}?",
        consequence="Imports that use it are refused (401) from now on. This cannot be undone: "
        "create a new key instead.",
        action="Revoke",
        cancel_url=keys_url,
    )


# --- Audit log -------------------------------------------------------------------------------


@require_GET
@viewer_page(Section.AUDIT_LOG)
def audit_log(request, viewer):
    business = viewer.business
    form = AuditFilterForm(request.GET, business=business)
    page = paginate_by_id(
        filtered_entries(business, form).select_related(*AUDIT_FIELDS),
        request.GET.get("page"),
        AUDIT_PER_PAGE,
    )
    page.object_list = list(audit_rows(page.object_list, viewer.presenter))
    return render(
        request,
        "console/audit_log.html",
        {
            "membership": viewer.membership,
            "business": business,
            "form": form,
            "page": page,
            "csv_query": request.GET.urlencode(),
        },
    )


@require_GET
@viewer_page(Section.AUDIT_LOG)
def audit_log_csv(request, viewer):
    business = viewer.business
    form = AuditFilterForm(request.GET, business=business)
    entries = filtered_entries(business, form).select_related(*AUDIT_FIELDS)
    rows = audit_rows(entries.iterator(chunk_size=CSV_CHUNK), viewer.presenter)
    site = f"{request.scheme}://{request.get_host()}"
    return audit_csv(f"{business.slug}-audit-log", rows, site)


# --- Settings --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@viewer_page(Section.SETTINGS)
def settings(request, viewer):
    business = viewer.business
    form = SettingsForm(
        request.POST or None,
        initial={
            "name": business.name,
            "timezone": business.timezone,
            "retention_days": business.retention_days,
            "require_second_factor": business.require_second_factor,
            "trust_idp_second_factor": business.trust_idp_second_factor,
            "allow_single_sign_on": business.allow_single_sign_on,
        },
        may_reveal=viewer.may_reveal_personal_data,
    )
    if request.method == "POST" and form.is_valid():
        changes = writer.update_business(
            Actor.staff(request.user),
            business,
            name=form.cleaned_data["name"],
            timezone=form.cleaned_data["timezone"],
            retention_days=form.cleaned_data["retention_days"],
            require_second_factor=form.cleaned_data["require_second_factor"],
            trust_idp_second_factor=form.cleaned_data["trust_idp_second_factor"],
            allow_single_sign_on=form.cleaned_data["allow_single_sign_on"],
        )
        if changes:
            messages.success(request, f"Saved: {'; '.join(changes)}.")
        return redirect("console-settings", business.slug)
    return render(
        request,
        "console/settings.html",
        {"membership": viewer.membership, "business": business, "form": form},
    )


# --- Privacy requests ------------------------------------------------------------------------

PRIVACY_REFUSAL = "answer privacy requests (finding a customer is seeing their details)"


def privacy_page(viewer):
    """403, with the reason, for an admin who does not see personal data in full: a search by
    email or phone would tell them what they may not see."""
    unless_revealing_allowed(viewer, PRIVACY_REFUSAL)


def end_user_of(viewer, end_user_id):
    return get_object_or_404(
        EndUser.objects.select_related("business"), pk=end_user_id, business=viewer.business
    )


@require_GET
@viewer_page(Section.PRIVACY)
def privacy(request, viewer):
    privacy_page(viewer)
    business = viewer.business
    form = PrivacySearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = lifecycle.find_end_users(business, query)[: lifecycle.PRIVACY_RESULTS]
    return render(
        request,
        "console/privacy.html",
        {
            "membership": viewer.membership,
            "business": business,
            "form": form,
            "query": query,
            "found": [(end_user, lifecycle.holdings(end_user)) for end_user in found],
            "retention_days": business.retention_days,
        },
    )


@require_POST
@viewer_page(Section.PRIVACY)
def privacy_export(request, viewer, end_user_id):
    """The customer's own copy: JSON to download, or a page to read or print."""
    privacy_page(viewer)
    end_user = end_user_of(viewer, end_user_id)
    as_page = request.POST.get("form") == "page"
    copy = lifecycle.do_export_end_user(
        Actor.staff(request.user), end_user, "page" if as_page else "JSON"
    )
    if as_page:
        for conversation in copy["conversations"]:
            for message in conversation["messages"]:
                # Rich elements, as the JSON copy has them: readable, and printed whole.
                element = message["element"]
                message["element"] = json.dumps(element, ensure_ascii=False) if element else ""
        details = copy["end_user"]
        # The page names the details in words ("Date of birth"); the JSON keeps the keys.
        labelled = [(words_of(key), value) for key, value in details["attributes"].items()]
        labelled += [
            (words_of(f"former_{key}"), value)
            for former in details["former_values"]
            for key, value in former.items()
        ]
        return render(
            request,
            "console/privacy_copy.html",
            {
                "membership": viewer.membership,
                "business": viewer.business,
                "copy": copy,
                "details": labelled,
            },
        )
    response = HttpResponse(
        json.dumps(copy, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"{viewer.business.slug}-end-user-{end_user.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@viewer_page(Section.PRIVACY)
def privacy_erase(request, viewer, end_user_id):
    privacy_page(viewer)
    end_user = end_user_of(viewer, end_user_id)
    business = viewer.business
    if request.method == "POST":
        job = request_erasure(Actor.staff(request.user), end_user)
        job.refresh_from_db()
        if job.state == Job.State.DONE:
            messages.success(request, "The customer's data is erased.")
        else:
            messages.success(request, "The customer's data is being erased: see Background jobs.")
        return redirect("console-privacy", business.slug)
    return confirm(
        request,
        viewer,
        title="Erase a customer's data",
        question=f"Erase everything stored about the end user {end_user.external_id}?",
        consequence=f"This erases {lifecycle.holdings(end_user)}, and their details, for "
        "good: it cannot be undone, and their conversations cannot be imported again. The "
        "audit log keeps who opened them, without saying which, and the erasure itself.",
        action="Erase for good",
        cancel_url=reverse("console-privacy", args=[business.slug]),
    )
