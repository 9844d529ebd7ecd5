from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "signin"
    verbose_name = "Signing in"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from ingest.staff import access_removed
        from signin import sessions

        user_logged_in.connect(
            lambda request, user, **kwargs: sessions.record_sign_in(request, user),
            dispatch_uid="signin.record_sign_in",
            weak=False,
        )
        user_logged_out.connect(
            lambda request, **kwargs: sessions.forget_sign_out(request),
            dispatch_uid="signin.forget_sign_out",
            weak=False,
        )
        access_removed.connect(
            lambda user, **kwargs: sessions.end_sessions(user),
            dispatch_uid="signin.end_sessions",
            weak=False,
        )
