"""The Django admin of the editable settings. Whatever the writer derives data from (a
business's time zone, a bot's entities marked personal) is saved through ingest.writer, so an
edit here keeps the rollups and masking as true as an import does."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from conversations.models import ApiKey, Bot, Business, Entity, Membership, Team
from ingest import writer


@admin.register(Business)
class BusinessAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "timezone"]
    search_fields = ["name", "slug"]
    fields = ["slug", "name", "timezone", "channels"]
    readonly_fields = ["channels"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        if change:
            writer.update_business(obj, name=obj.name, timezone=obj.timezone)
        else:
            obj.pk = writer.save_business(obj.slug, obj.name, obj.timezone).pk


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "business", "created_at", "revoked_at"]
    list_filter = ["business", ("revoked_at", admin.EmptyFieldListFilter)]
    # Keys are created with `manage.py api_key`, which shows the secret once; here they are
    # only listed and revoked.
    fields = ["business", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["business", "prefix", "created_at"]

    def has_add_permission(self, request):
        return False


class EntityInline(admin.TabularInline):
    model = Entity
    extra = 1


@admin.register(Bot)
class BotAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "business"]
    list_filter = ["business"]
    search_fields = ["name", "slug"]
    inlines = [EntityInline]

    def get_readonly_fields(self, request, obj=None):
        return ["business", "slug"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = writer.save_bot(obj.business, obj.slug, obj.name)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            if formset.model is Entity:
                writer.set_entities(form.instance, entities_after(formset))
                note_inline_changes(formset)
            else:
                self.save_formset(request, form, formset, change)


def entities_after(formset):
    """{name: personal} of the entities a valid inline formset leaves: the kept rows, edited,
    and the new ones."""
    entities = {}
    for entity_form in formset.forms:
        data = entity_form.cleaned_data
        if data and not data.get("DELETE") and data.get("name"):
            entities[data["name"]] = data.get("personal", False)
    return entities


def note_inline_changes(formset):
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
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "business"]
    list_filter = ["business"]
    search_fields = ["name", "slug"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "business", "is_agent", "is_team_lead", "is_analyst", "is_admin"]
    list_filter = ["business", "is_agent", "is_team_lead", "is_analyst", "is_admin"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["teams", "leads"]


class MembershipInline(admin.StackedInline):
    model = Membership
    fk_name = "user"
    extra = 0
    filter_horizontal = ["teams", "leads"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]
