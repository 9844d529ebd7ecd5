"""The second factor pages: enrol an authenticator app, verify this session with it or a
recovery code. Signed-in users only; nothing here locks anyone out of a page (until they
verify, pages show personal data masked, with a link here)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetView
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.passwords import ActiveAccountPasswordResetConfirmView, ThrottledPasswordResetForm
from signin import factor, sessions, sso
from signin.background import after_response
from signin.forms import CodeForm
from signin.models import UserSession
from signin.tasks import email_password_reset

TOO_MANY = "Too many wrong codes. Wait a few minutes, then try again."


def next_path(request) -> str:
    """Where to go once verified: `?next=`, if it is a path on this site, else home."""
    path = request.POST.get("next") or request.GET.get("next", "")
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return "/"


def private(response):
    """A secret, a QR code or recovery codes: never kept by a browser or a cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
@login_required
def second_factor(request):
    """Enrol when the user has no authenticator app yet, else verify this session."""
    if factor.authenticator(request.user) is None:
        return private(enrol(request))
    if request.user.is_verified():
        return private(
            render(request, "signin/verified.html", {"next": next_path(request)}),
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if factor.verify(request, form.cleaned_data["code"]):
                return redirect(next_path(request))
            form.add_error("code", "That code is not right, or was used already.")
        except factor.TooManyWrongCodes:
            form.add_error("code", TOO_MANY)
    return private(
        render(request, "signin/verify.html", {"form": form, "next": next_path(request)})
    )


def enrol(request):
    device = factor.enrolling_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = factor.confirm_authenticator(request, device, form.cleaned_data["code"])
        except factor.TooManyWrongCodes:
            form.add_error("code", TOO_MANY)
        else:
            if codes:
                # Rendered, not redirected to: the codes are shown this once.
                return render(
                    request,
                    "signin/recovery_codes.html",
                    {"codes": codes, "next": next_path(request)},
                )
            form.add_error("code", "That code is not right: check the app and try again.")
    uri = device.config_url
    return render(
        request,
        "signin/enrol.html",
        {"form": form, "uri": uri, "qr_svg": factor.qr_svg(uri), "next": next_path(request)},
    )


class SignInView(LoginView):
    """Django's sign-in page, with a button to sign in with the identity provider when single
    sign-on is on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if sso.sso_enabled():
            context["sso_provider_name"] = sso.provider_name()
        return context


class BackgroundPasswordResetView(PasswordResetView):
    """Django's forgotten-password page, whose email is sent by a background task: the answer
    says the same words and takes the same time whether or not the address has an account."""

    form_class = ThrottledPasswordResetForm

    def form_valid(self, form):
        return after_response(
            HttpResponseRedirect(self.get_success_url()),
            email_password_reset,
            email=form.cleaned_data["email"],
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
        )


class PasswordChangeEndingOtherSessions(PasswordChangeView):
    """Django's page; a new password also ends the member's other sessions (this one goes on)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.end_sessions(form.user, keep=self.request.session.get(sessions.RECORD_KEY))
        return response


class PasswordResetEndingSessions(ActiveAccountPasswordResetConfirmView):
    """A password chosen by an emailed link ends every session of the account."""

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.end_sessions(form.user)
        return response


@require_GET
@login_required
def active_sessions(request):
    """The member's sessions: where and when each was last used; they end the others."""
    return render(
        request,
        "signin/sessions.html",
        {
            "sessions": sessions.active_sessions(request.user),
            "current": request.session.get(sessions.RECORD_KEY),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


@require_POST
@login_required
def end_session(request, session_id):
    """End one of the member's other sessions (this one ends by signing out)."""
    record = get_object_or_404(
        UserSession.objects.exclude(pk=request.session.get(sessions.RECORD_KEY)),
        pk=session_id,
        user=request.user,
    )
    sessions.end_session(record)
    messages.success(request, "Ended that session.")
    return redirect("active-sessions")


@require_POST
@login_required
def end_other_sessions(request):
    sessions.end_sessions(request.user, keep=request.session.get(sessions.RECORD_KEY))
    messages.success(request, "Ended your other sessions.")
    return redirect("active-sessions")
