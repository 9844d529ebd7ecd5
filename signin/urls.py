from django.urls import path

from signin import sso, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("oidc/authenticate/", sso.SignInWithProvider.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso.ProviderCallback.as_view(), name="oidc_authentication_callback"),
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
