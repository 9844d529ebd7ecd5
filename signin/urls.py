from django.urls import path

from signin import views

urlpatterns = [
    path("second-factor/", views.second_factor, name="second-factor"),
    path("password_reset/", views.BackgroundPasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetEndingSessions.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password_change/",
        views.PasswordChangeEndingOtherSessions.as_view(),
        name="password_change",
    ),
    path("sessions/", views.active_sessions, name="active-sessions"),
    path("sessions/end-others/", views.end_other_sessions, name="end-other-sessions"),
    path("sessions/<int:session_id>/end/", views.end_session, name="end-session"),
]
