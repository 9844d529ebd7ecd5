"""The console's forms: plain Django forms, each knowing the one business it edits."""

import datetime as dt
import unicodedata
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone

from audit.models import AuditEntry
from conversations.models import Business, Membership, Role, Team
from ingest.actors import PERMISSION_NAME
from rules.presenter import Presenter
from web.filters import PERIOD_DAYS, PERIODS, DateRangeForm, date_field

USERNAME_TAKEN = "That username is taken; choose another."


class MemberForm(forms.Form):
    """A staff member's display name, roles, teams and teams led in one business."""

    display_name = forms.CharField(
        max_length=150,
        required=False,
        help_text="Shown instead of the username on every page; empty: the username.",
    )
    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # The business's teams: set for each form (__init__).
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    leads = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Teams led",
    )

    def __init__(
        self,
        *args,
        business: Business,
        actor: Membership,
        presenter: Presenter,
        member=None,
        **kwargs,
    ):
        """`member`: the membership edited (None: a new one); `actor`: the admin editing, whose
        `presenter` shows the team names (a business may type anything into those)."""
        if member is not None:
            kwargs.setdefault(
                "initial",
                {
                    "display_name": member.user.get_full_name(),
                    "roles": [role.value for role in member.roles],
                    "teams": list(member.teams.all()),
                    "leads": list(member.leads.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.actor, self.member = actor, member
        teams = business.teams.order_by("name")
        for name in ("teams", "leads"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = teams
            field.label_from_instance = lambda team: presenter.label(team.name)  # type: ignore[assignment]  # a per-form label

    def keep_display_name(self, reason: str) -> None:
        field = self.fields["display_name"]
        field.disabled = True
        field.help_text = reason

    def new_display_name(self) -> str | None:
        """The new display name, or None to keep it (when the field may not be changed)."""
        if self.fields["display_name"].disabled:
            return None
        return self.cleaned_data["display_name"]

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        if self.member is not None and self.member.pk == self.actor.pk and Role.ADMIN not in roles:
            # Otherwise a business could lose its last admin by a slip of the mouse.
            raise forms.ValidationError(
                "You cannot take away your own admin role; another admin of the business can."
            )
        return roles


class NewMemberForm(MemberForm):
    """A new account, staff of this business only."""

    username = forms.CharField(
        max_length=150,
        validators=[get_user_model().username_validator],
        help_text="Letters, digits and @ . + - _ only; they sign in with it.",
    )
    email = forms.EmailField(
        required=False, help_text="Needed to invite them, and for them to reset a password."
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        required=False,
        help_text="Give it to them in person; they may change it after signing in. Empty: "
        "they are emailed an invitation to choose their own.",
    )

    field_order = ["username", "display_name", "email", "password", "roles", "teams", "leads"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        # An existing account is never taken over from a business's console: it may be
        # someone else's, staff of another business. The platform operator links those.
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(USERNAME_TAKEN)
        return username

    def clean(self):
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if not password and not cleaned.get("email") and "email" not in self.errors:
            self.add_error(
                "password", "Give a password, or an email address to send an invitation to."
            )
        if password:
            user = get_user_model()(
                username=cleaned.get("username", ""), email=cleaned.get("email", "")
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


MAX_RETENTION_DAYS = 100 * 366


def one_line(name: str) -> str:
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise forms.ValidationError("A name is one line of text, without control characters.")
    return name


class SettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Pages, filters and the analytics' days follow it; a change recounts the "
        "analytics in the background.",
    )
    require_second_factor = forms.BooleanField(
        required=False,
        label="Require a second factor to see personal data",
        help_text="Staff who hold the personal-details permission see it masked until they "
        "have confirmed a code from their authenticator app in their session.",
    )
    trust_idp_second_factor = forms.BooleanField(
        required=False,
        label="Count the identity provider's second factor",
        help_text="Staff who sign in with single sign-on, where the identity provider says "
        "they used a second factor, need not confirm a code here as well.",
    )
    allow_single_sign_on = forms.BooleanField(
        required=False,
        label="Allow single sign-on",
        help_text="Staff may sign in through the identity provider, matched by the email "
        "address it has verified; only those who are staff of no business that does not "
        "allow it.",
    )

    retention_days = forms.IntegerField(
        label="Keep conversations for (days)",
        required=False,
        min_value=1,
        max_value=MAX_RETENTION_DAYS,
        help_text="A conversation whose last message is older, counted in days of the time "
        "zone above, is removed for good each night. Empty: kept forever.",
    )

    def __init__(self, *args, may_reveal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_reveal = may_reveal
        zones = sorted(zoneinfo.available_timezones())
        self.fields["timezone"].choices = [(zone, zone) for zone in zones]  # type: ignore[attr-defined]
        if not may_reveal:
            retention = self.fields["retention_days"]
            retention.disabled = True
            retention.help_text = (
                f"Only an admin who holds {PERMISSION_NAME} can change it: removing "
                "conversations erases customers' data."
            )

    def clean_name(self):
        return one_line(self.cleaned_data["name"])

    def clean_require_second_factor(self):
        required = self.cleaned_data["require_second_factor"]
        if self.initial["require_second_factor"] and not required and not self.may_reveal:
            raise forms.ValidationError(
                "Only an admin who sees personal data in full, verified in this session, can "
                "stop requiring a second factor."
            )
        return required

    def clean_trust_idp_second_factor(self):
        trusted = self.cleaned_data["trust_idp_second_factor"]
        if trusted and not self.initial["trust_idp_second_factor"] and not self.may_reveal:
            raise forms.ValidationError(
                "Only an admin who sees personal data in full, verified in this session, can "
                "count the identity provider's second factor."
            )
        return trusted


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"aria-describedby": "id_name-help"}),
        help_text="What the key is for, such as the bot platform it is given to: the list and "
        "the audit log name the key by it.",
    )

    def clean_name(self):
        return one_line(self.cleaned_data["name"])


class PrivacySearchForm(forms.Form):
    q = forms.CharField(
        label="The customer's user id, email or phone",
        max_length=254,
        required=False,
        help_text="The user id exactly as the bot platform sends it; an email in any case; "
        "a phone by its last digits, in any formatting.",
    )


class AuditFilterForm(DateRangeForm):
    """The audit log's filters: plain GET parameters, so a filtered log is a bookmark."""

    person = forms.ChoiceField(required=False)
    conversation = forms.CharField(
        required=False,
        max_length=300,
        help_text="Its chat link, or the token at its end.",
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "Everything"), *AuditEntry.Kind.choices], label="What"
    )
    level = forms.ChoiceField(
        required=False, choices=[("", "Any level"), *AuditEntry.Level.choices]
    )
    period = forms.ChoiceField(choices=PERIODS, required=False)
    start = date_field()
    end = date_field()

    def __init__(self, data, business: Business, **kwargs):
        super().__init__(data, **kwargs)
        self.business = business
        staff = (
            Membership.objects.filter(business=business)
            .select_related("user")
            .order_by("user__username")
        )
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *[(str(m.user_id), m.user.get_full_name() or m.user.get_username()) for m in staff],
        ]

    def clean_conversation(self):
        """A chat link's token: what follows /c/ in a pasted link, or the value itself."""
        value = self.cleaned_data["conversation"].strip()
        if "/c/" in value:
            value = value.split("/c/", 1)[1]
        return value.split("?")[0].split("#")[0].strip("/")

    def value(self, name):
        """A cleaned value, or None when the field is empty or invalid."""
        if not self.is_valid() and name in self.errors:
            return None
        return self.cleaned_data.get(name) or None

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) for name in self.fields)

    def time_range(self):
        """(from, until): aware datetimes of the period's days in the business's time zone."""
        period, tz = self.value("period"), self.business.tzinfo
        first = last = None
        if period in PERIOD_DAYS:
            last = timezone.localdate(timezone=tz)
            first = last - dt.timedelta(days=PERIOD_DAYS[period] - 1)
        elif period == "custom":
            first, last = self.value("start"), self.value("end")

        def midnight(day):
            return dt.datetime.combine(day, dt.time.min, tzinfo=tz)

        return (
            midnight(first) if first else None,
            midnight(last + dt.timedelta(days=1)) if last else None,
        )
