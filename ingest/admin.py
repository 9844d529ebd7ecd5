"""The Django admin of the editable settings. Whatever the writer derives data from (a
business's time zone, a bot's entities marked personal) is saved through ingest.writer, so an
edit here keeps the rollups and masking as true as an import does.

The operator acts as themselves (ingest.actors): an edit that would let someone see a
business's personal data in full (an entity made not personal, a role or permission that turns
a member's view full) is refused unless they see that business in full themselves.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from guardian.admin import GuardedModelAdmin

from conversations.models import ApiKey, Bot, Business, Entity, Membership, Team
from ingest import keys, writer
from ingest.actors import Actor
from ingest.staff import (
    audit_permission_change,
    audit_staff_change,
    businesses_seen_in_full,
    check_reveals,
    holds_permission_here,
    reveals_checked,
    staff_state,
)


@admin.register(Business)
class BusinessAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "timezone"]
    search_fields = ["name", "slug"]
    fields = ["slug", "name", "timezone", "channels"]
    readonly_fields = ["channels"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "slug"] if obj else list(self.readonly_fields)

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Any = None
    ) -> dict[str, Sequence[str]]:
        return {} if obj else {"slug": ["name"]}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        actor = Actor.operator(request.user)
        if change:
            writer.update_business(actor, obj, name=obj.name, timezone=obj.timezone)
        else:
            obj.pk = writer.save_business(actor, obj.slug, obj.name, obj.timezone).pk

    def obj_perms_manage_user_view(
        self, request: Any, object_pk: Any, user_id: Any
    ) -> HttpResponse:
        actor = Actor.operator(request.user)
        business = Business.objects.get(pk=object_pk)
        user = User.objects.get(pk=user_id)
        with transaction.atomic(), reveals_checked(actor, user_id):
            held = holds_permission_here(user, business)
            response: HttpResponse = super().obj_perms_manage_user_view(  # type: ignore[no-untyped-call]
                request, object_pk, user_id
            )
            if holds_permission_here(user, business) != held:
                audit_permission_change(actor, user, business, not held)
            return response

    def obj_perms_manage_group_view(
        self, request: Any, object_pk: Any, group_id: Any
    ) -> HttpResponse:
        # A group's permission reaches all its members: only a full viewer changes it.
        if request.method == "POST":
            business = Business.objects.get(pk=object_pk)
            Actor.operator(request.user).check_may_reveal(business, "change what a group sees")
        response: HttpResponse = super().obj_perms_manage_group_view(  # type: ignore[no-untyped-call]
            request, object_pk, group_id
        )
        return response


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["name", "prefix", "business", "created_at", "revoked_at"]
    list_filter = ["business", ("revoked_at", admin.EmptyFieldListFilter)]
    # Keys are created with `manage.py api_key`, which shows the secret once; here they are
    # only listed and revoked.
    fields = readonly_fields = ("business", "name", "prefix", "created_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request: Any, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset.select_related("business"):
            keys.revoke_api_key(Actor.operator(request.user), api_key)


class EntityInline(admin.TabularInline[Entity, Bot]):
    model = Entity
    extra = 1


@admin.register(Bot)
class BotAdmin(admin.ModelAdmin[Bot]):
    list_display = ["name", "slug", "business"]
    list_filter = ["business"]
    search_fields = ["name", "slug"]
    inlines = [EntityInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["business", "slug"] if obj else []

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        saved = writer.save_bot(Actor.operator(request.user), obj.business, obj.slug, obj.name)
        obj.pk = saved.pk

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        form.save_m2m()
        for formset in formsets:
            if formset.model is Entity:
                writer.set_entities(
                    Actor.operator(request.user), form.instance, entities_after(formset)
                )
                note_inline_changes(formset)
            else:
                self.save_formset(request, form, formset, change)


def entities_after(formset: Any) -> dict[str, bool]:
    """{name: personal} of the entities a valid inline formset leaves: the kept rows, edited,
    and the new ones."""
    entities: dict[str, bool] = {}
    for entity_form in formset.forms:
        data = entity_form.cleaned_data
        if data and not data.get("DELETE") and data.get("name"):
            entities[data["name"]] = data.get("personal", False)
    return entities


def note_inline_changes(formset: Any) -> None:
    """What formset.save() would have noted, for the admin's history of the change."""
    kept = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    formset.new_objects = [f.instance for f in kept if f.instance._state.adding]
    formset.changed_objects = [
        (f.instance, f.changed_data)
        for f in kept
        if not f.instance._state.adding and f.changed_data
    ]
    formset.deleted_objects = [
        f.instance for f in formset.forms if f.cleaned_data and f.cleaned_data.get("DELETE")
    ]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "slug", "business"]
    list_filter = ["business"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["business", "slug"] if obj else []

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        obj.pk = writer.save_team(Actor.operator(request.user), obj.business, obj.slug, obj.name).pk


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "business", "is_agent", "is_team_lead", "is_analyst", "is_admin"]
    list_filter = ["business", "is_agent", "is_team_lead", "is_analyst", "is_admin"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["teams", "leads"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        # Roles are saved here, teams in save_related: the audit entry compares both.
        stored = Membership.objects.filter(pk=obj.pk).first() if change else None
        form.staff_before = staff_state(stored, obj.user.get_full_name())
        with reveals_checked(Actor.operator(request.user), obj.user_id):
            super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        audit_staff_change(Actor.operator(request.user), form.instance, form.staff_before)


class MembershipInline(admin.StackedInline[Membership, Any]):
    model = Membership
    fk_name = "user"
    extra = 0
    filter_horizontal = ["teams", "leads"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):  # type: ignore[type-arg]  # User is the configured model
    inlines = [*UserAdmin.inlines, MembershipInline]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        # The account's flags are saved here, its permissions, groups and memberships in
        # save_related: what it saw in full is taken before either.
        form.businesses_seen_in_full = businesses_seen_in_full(obj.pk)
        stored_name = User.objects.get(pk=obj.pk).get_full_name() if change else ""
        form.staff_before = {
            membership.business_id: staff_state(membership, stored_name)
            for membership in Membership.objects.filter(user_id=obj.pk)
        }
        super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        actor = Actor.operator(request.user)
        check_reveals(actor, form.instance.pk, form.businesses_seen_in_full)
        for membership in form.instance.memberships.select_related("business"):
            audit_staff_change(actor, membership, form.staff_before.get(membership.business_id))
