from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from conversations.models import (
    ApiKey,
    Bot,
    Business,
    Conversation,
    EndUser,
    Entity,
    Membership,
    Message,
    Team,
)


@admin.register(Business)
class BusinessAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "timezone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


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


@admin.register(EndUser)
class EndUserAdmin(admin.ModelAdmin):
    list_display = ["external_id", "business", "name"]
    list_filter = ["business"]
    search_fields = ["external_id", "name", "email", "phone"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["external_id", "business", "bot", "channel", "started_at", "message_count"]
    list_filter = ["business", "channel", "csat_rating", "started_at"]
    search_fields = ["external_id", "end_user__external_id"]
    date_hierarchy = "started_at"
    raw_id_fields = ["end_user", "agent"]
    readonly_fields = ["token", "message_count", "last_message_at", "last_message_text"]
    list_select_related = ["business", "bot"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["conversation", "sent_at", "sender", "bot_break"]
    list_filter = ["business", "sender", "bot_break"]
    search_fields = ["conversation__external_id", "external_id"]
    raw_id_fields = ["conversation", "agent"]
    list_select_related = ["conversation"]
    show_full_result_count = False
