from django.urls import path

from console import views

urlpatterns = [
    path("staff/", views.staff, name="console-staff"),
    path("staff/add/", views.add_member, name="console-add-member"),
    path("staff/<int:member_id>/", views.member, name="console-member"),
    path(
        "staff/<int:member_id>/grant/",
        views.grant_personal_details,
        name="console-grant-personal-details",
    ),
    path(
        "staff/<int:member_id>/revoke/",
        views.revoke_personal_details,
        name="console-revoke-personal-details",
    ),
    path("staff/<int:member_id>/deactivate/", views.deactivate_member, name="console-deactivate"),
    path(
        "staff/<int:member_id>/password-link/",
        views.email_password_link,
        name="console-email-password-link",
    ),
    path(
        "staff/<int:member_id>/second-factor/reset/",
        views.reset_second_factor,
        name="console-reset-second-factor",
    ),
    path(
        "staff/<int:member_id>/sessions/end/",
        views.end_member_sessions,
        name="console-end-member-sessions",
    ),
    path("bots/", views.bots, name="console-bots"),
    path("entities/<int:entity_id>/personal/", views.mark_personal, name="console-mark-personal"),
    path(
        "entities/<int:entity_id>/not-personal/",
        views.mark_not_personal,
        name="console-mark-not-personal",
    ),
    path("api-keys/", views.api_keys, name="console-api-keys"),
    path("api-keys/new/", views.create_api_key, name="console-create-api-key"),
    path("api-keys/<int:key_id>/revoke/", views.revoke_api_key, name="console-revoke-api-key"),
    path("audit-log/", views.audit_log, name="console-audit-log"),
    path("audit-log.csv", views.audit_log_csv, name="console-audit-log-csv"),
    path("settings/", views.settings, name="console-settings"),
    path("privacy/", views.privacy, name="console-privacy"),
    path("privacy/<int:end_user_id>/export/", views.privacy_export, name="console-privacy-export"),
    path("privacy/<int:end_user_id>/erase/", views.privacy_erase, name="console-privacy-erase"),
]
