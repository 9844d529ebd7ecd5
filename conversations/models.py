import datetime as dt
import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.crypto import salted_hmac

# "Chat Agent View Personal Details": granted per business (django-guardian) or globally. The
# one declaration of the permission; rules.access asks for it by PERSONAL_DETAILS_PERM.
PERSONAL_DETAILS_CODENAME = "view_personal_details"
PERSONAL_DETAILS_PERM = f"conversations.{PERSONAL_DETAILS_CODENAME}"


def validate_timezone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"{name!r} is not an IANA time zone name.")


class BusinessQuerySet(models.QuerySet):
    def locked(self, pk):
        """The business, its row locked until the transaction ends: writes that keep its
        derived data (imports, settings changes, recounts) take turns. FOR NO KEY UPDATE, so
        rows that merely refer to the business (audit entries, jobs) are still written."""
        return self.select_for_update(no_key=True).get(pk=pk)


class Business(models.Model):
    """A tenant: one company that runs chatbots and employs the staff who read their chats."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # The channels its conversations came in on, kept by the importer for the filter menus.
    channels = models.JSONField(default=list, blank=True)
    # The rules.masking.MASKER_VERSION that its stored masked texts were masked with.
    masker_version = models.PositiveIntegerField(default=0)
    # How many days a conversation is kept after the day of its last message, in the
    # business's time zone (ingest.lifecycle); None keeps every conversation forever.
    retention_days = models.PositiveIntegerField(
        "retention in days",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Conversations whose last message is older are removed; empty: kept forever.",
    )
    # Until a full viewer has verified a second factor in their session, they see it masked
    # (rules.access.access_in_session).
    require_second_factor = models.BooleanField(
        "Require a second factor to see personal data", default=True
    )
    # Whether a second factor that the identity provider says the person used at a single
    # sign-on (the ID token's amr or acr, signin.sso) counts as verified in that session.
    trust_idp_second_factor = models.BooleanField(
        "Count the identity provider's second factor", default=False
    )
    # Whether its staff may sign in through the identity provider (signin.sso): an account
    # is signed in so only if every business it is a member of allows it, so that one
    # business's provider cannot sign in another's staff.
    allow_single_sign_on = models.BooleanField("Allow single sign-on", default=False)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "businesses"
        permissions = [(PERSONAL_DETAILS_CODENAME, "Chat Agent View Personal Details")]

    def __str__(self):
        return self.name

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)


LAST_USE_PRECISION = dt.timedelta(minutes=1)


def hash_api_key(raw_key):
    # Keys are 256 random bits, so a fast unsalted hash is as safe as a slow one and keeps
    # authentication to a single indexed lookup.
    return hashlib.sha256(raw_key.encode()).hexdigest()


# How much of a key is kept in the clear, to name it in lists ("cl_" and 7 random characters).
API_KEY_PREFIX_LENGTH = 10


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def authenticate(self, raw_key):
        """The active key matching `raw_key`, or None; notes when it was last used."""
        if not raw_key:
            return None
        api_key = (
            self.active().select_related("business").filter(hashed=hash_api_key(raw_key)).first()
        )
        if api_key is not None:
            api_key.note_use()
        return api_key


class ApiKey(models.Model):
    """A secret that lets one business's bot platform push conversations to the import API."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="api_keys")
    # What the key is for ("Zendesk bot"), as the console and the audit log name it; blank for
    # keys created before keys had names.
    name = models.CharField(max_length=100, blank=True)
    # The first characters of the key, kept in clear so an operator can tell keys apart.
    prefix = models.CharField(max_length=12)
    hashed = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # To the minute at best: a busy key writes it once a minute, not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"

    def __str__(self):
        return f"{self.prefix}… ({self.business.slug})"

    @property
    def label(self) -> str:
        """How the console and the audit log name the key: "Zendesk bot (cl_AbCdEfGh…)"."""
        return f"{self.name} ({self.prefix}…)" if self.name else f"{self.prefix}…"

    def note_use(self, now=None):
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USE_PRECISION:
            # A conditional UPDATE: concurrent requests of one key write it once between them.
            ApiKey.objects.filter(pk=self.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USE_PRECISION)
            ).update(last_used_at=now)
            self.last_used_at = now

    @property
    def is_active(self):
        return self.revoked_at is None

    @classmethod
    def issue(cls, business: "Business", name: str = "") -> tuple["ApiKey", str]:
        """Create a key; returns (ApiKey, raw key). The raw key is never stored."""
        raw_key = "cl_" + secrets.token_urlsafe(32)
        api_key = cls.objects.create(
            business=business,
            name=name,
            prefix=raw_key[:API_KEY_PREFIX_LENGTH],
            hashed=hash_api_key(raw_key),
        )
        return api_key, raw_key


class Bot(models.Model):
    business = models.ForeignKey(Business, models.CASCADE, related_name="bots")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "slug"], name="bot_slug_unique_in_business")
        ]

    def __str__(self):
        return self.name


class Entity(models.Model):
    """A piece of information a bot collects from users; `personal` ones are PII."""

    bot = models.ForeignKey(Bot, models.CASCADE, related_name="entities")
    name = models.CharField(max_length=100)
    personal = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["bot", "name"], name="entity_name_unique_in_bot")
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    business = models.ForeignKey(Business, models.CASCADE, related_name="teams")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "slug"], name="team_slug_unique_in_business"
            )
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    TEAM_LEAD = "team_lead", "Team lead"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "Admin"


class Membership(models.Model):
    """A platform user's staff membership of one business, with their roles there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    business = models.ForeignKey(Business, models.CASCADE, related_name="memberships")
    is_agent = models.BooleanField("agent", default=False)
    is_team_lead = models.BooleanField("team lead", default=False)
    is_analyst = models.BooleanField("analyst", default=False)
    is_admin = models.BooleanField("admin", default=False)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    leads = models.ManyToManyField(Team, blank=True, related_name="leaders")

    class Meta:
        ordering = ["business__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "business"], name="one_membership_per_business")
        ]

    def __str__(self):
        return f"{self.user} @ {self.business.slug}"

    @property
    def roles(self):
        return [role for role in Role if getattr(self, f"is_{role.value}")]

    def has_role(self, role: str) -> bool:
        return bool(getattr(self, f"is_{Role(role).value}"))


class EndUser(models.Model):
    """A person who talks to a business's bots, identified by the platform's user id."""

    # Indexes leading with it (Meta) serve its lookups, so it has no index of its own, here
    # and in the foreign keys below: one index fewer to update for every row written.
    business = models.ForeignKey(Business, models.CASCADE, related_name="end_users", db_index=False)
    external_id = models.CharField(max_length=200)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    # The id as viewers without the permission see it (a platform's user id is often a phone
    # number); the writer keeps it, as it keeps every masked copy.
    masked_external_id = models.TextField(blank=True)
    # The phone's digits alone, kept by the writer: a search finds "98200 12345" typed as
    # "9820012345" or "+91-98200-12345".
    phone_digits = models.CharField(max_length=50, blank=True)
    # Personal values the user was known by before an import corrected them (rules.redaction
    # `remember_former_values`): older texts hold them, and masking still hides them.
    former_personal = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "end user"
        constraints = [
            models.UniqueConstraint(
                fields=["business", "external_id"], name="end_user_id_unique_in_business"
            )
        ]
        indexes = [
            # What a masked viewer's search by user id matches (rules.presenter).
            models.Index(fields=["business", "masked_external_id"], name="end_user_masked_id"),
        ]

    def __str__(self):
        return self.external_id


def new_share_token():
    return secrets.token_urlsafe(24)  # 192 bits


class ConversationQuerySet(models.QuerySet):
    def previous_of(self, conversation):
        """The same end user's conversation that started just before this one."""
        return self._beside(conversation, "lt", ["-started_at", "-id"])

    def next_of(self, conversation):
        """The same end user's conversation that started just after this one."""
        return self._beside(conversation, "gt", ["started_at", "id"])

    def _beside(self, conversation, lookup, ordering):
        # Start times may tie, so the id breaks ties; the conv_user_timeline index serves it.
        started_at = conversation.started_at
        return (
            self.filter(end_user_id=conversation.end_user_id)
            .filter(
                Q(**{f"started_at__{lookup}": started_at})
                | Q(started_at=started_at, **{f"id__{lookup}": conversation.id})
            )
            .order_by(*ordering)
            .first()
        )


class ConversationStatus(models.TextChoices):
    BOT = "bot", "With the bot"
    QUEUED = "queued", "Queued for an agent"
    WITH_AGENT = "with_agent", "With an agent"
    WAITING_FOR_USER = "waiting_for_user", "Waiting for the user"
    CLOSED = "closed", "Closed"


class Conversation(models.Model):
    business = models.ForeignKey(
        Business, models.CASCADE, related_name="conversations", db_index=False
    )
    bot = models.ForeignKey(Bot, models.PROTECT, related_name="conversations", db_index=False)
    channel = models.CharField(max_length=32)
    external_id = models.CharField("conversation ID", max_length=200)
    end_user = models.ForeignKey(
        EndUser, models.PROTECT, related_name="conversations", db_index=False
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
        db_index=False,
    )
    team = models.ForeignKey(
        Team, models.SET_NULL, null=True, blank=True, related_name="conversations", db_index=False
    )
    csat_rating = models.PositiveSmallIntegerField("CSAT rating", null=True, blank=True)
    csat_review = models.TextField("CSAT review", blank=True)
    csat_at = models.DateTimeField("CSAT time", null=True, blank=True)
    # Where the conversation stands, as the platform last said; blank for records that never
    # said (format v1), which count as closed once they have ended (see `is_closed`).
    status = models.CharField(max_length=16, choices=ConversationStatus.choices, blank=True)
    close_reason = models.CharField(max_length=1000, blank=True)
    # The secret part of the chat link; never derived from ids, so links cannot be guessed.
    token = models.CharField(max_length=40, unique=True, default=new_share_token, editable=False)
    # Kept up to date by the importer so list pages need not count or scan messages.
    message_count = models.PositiveIntegerField(default=0)
    # Without agents' private notes: the count told to viewers who do not see them (analysts,
    # and every Intelligent Analytics page), so no one can count notes they cannot read.
    public_message_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # What the customer last said: the lists' preview, which would otherwise nearly always be
    # the platform's "Conversation closed by …".
    last_user_message_text = models.CharField(max_length=300, blank=True)
    # Masked copies, for viewers without the permission: kept by the writer, searched and
    # shown instead of masking on every request (see rules.presenter).
    masked_external_id = models.TextField(blank=True)
    masked_last_user_message_text = models.CharField(max_length=300, blank=True)
    masked_csat_review = models.TextField(blank=True)
    masked_close_reason = models.TextField(blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "external_id"], name="conversation_id_unique_in_business"
            ),
            models.CheckConstraint(
                condition=Q(csat_rating__isnull=True) | Q(csat_rating__gte=1, csat_rating__lte=5),
                name="csat_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["end_user", "started_at", "id"], name="conv_user_timeline"),
            models.Index(fields=["business", "-started_at", "-id"], name="conv_business_recent"),
            models.Index(fields=["bot", "-started_at", "-id"], name="conv_bot_recent"),
            models.Index(
                fields=["business", "channel", "-started_at"], name="conv_channel_started"
            ),
            models.Index(
                fields=["agent", "business", "-started_at", "-id"], name="conv_agent_recent"
            ),
            models.Index(fields=["team", "-started_at", "-id"], name="conv_team_recent"),
            models.Index(fields=["business", "masked_external_id"], name="conv_masked_id"),
            models.Index(
                fields=["business", "-csat_at"],
                condition=Q(csat_rating__isnull=False),
                name="conv_rated",
            ),
        ]

    def __str__(self):
        return self.external_id

    @property
    def is_closed(self):
        """Whether no more messages are expected: the chat page stops following it."""
        if self.status:
            return self.status == ConversationStatus.CLOSED
        return self.ended_at is not None


class Sender(models.TextChoices):
    USER = "user", "User"
    BOT = "bot", "Bot"
    AGENT = "agent", "Agent"
    SYSTEM = "system", "System"


class MessageKind(models.TextChoices):
    """The elements a chat widget shows (docs/import-format.md, format v2)."""

    TEXT = "text", "Text"
    QUICK_REPLIES = "quick_replies", "Quick replies"
    BUTTONS = "buttons", "Buttons"
    CAROUSEL = "carousel", "Carousel"
    IMAGE = "image", "Image"
    FILE = "file", "File"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    LOCATION = "location", "Location"
    FORM = "form", "Form"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, models.CASCADE, related_name="messages", db_index=False
    )
    # Copied from the conversation so analytics can filter messages without a join. Kept equal
    # to the conversation's by the writer, whose foreign key the database checks: these copies
    # it does not check again for every message (a lookup each, a tenth of an import's time in
    # the database); deletions still cascade to them through Django.
    business = models.ForeignKey(
        Business, models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    bot = models.ForeignKey(
        Bot, models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    channel = models.CharField(max_length=32)
    external_id = models.CharField(max_length=200)
    sent_at = models.DateTimeField()
    sender = models.CharField(max_length=8, choices=Sender.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    # The text as viewers without the permission see it, kept by the writer.
    masked_text = models.TextField(blank=True)
    bot_break = models.BooleanField(default=False)
    kind = models.CharField(max_length=16, choices=MessageKind.choices, default=MessageKind.TEXT)
    # The element's own fields beside the text (options, buttons, cards, attachments, location,
    # form fields, the option the user picked), as ingest.records normalised them; and the
    # same with every string masked, kept by the writer like masked_text.
    data = models.JSONField(default=dict, blank=True)
    masked_data = models.JSONField(default=dict, blank=True)
    # An agent's internal note: Smart Agent Chat staff see it, analysts and share links never.
    private = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "external_id"], name="message_id_unique_in_conversation"
            ),
            models.CheckConstraint(
                condition=Q(sender__in=Sender.values), name="message_sender_known"
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "sent_at", "id"], name="msg_transcript"),
            # Message Analysis walks these, and never shows agents' private notes: without
            # them, a deep page is counted off in the index alone, not row by row in the table.
            models.Index(
                fields=["business", "-sent_at", "-id"],
                condition=Q(private=False),
                name="msg_business_sent",
            ),
            models.Index(
                fields=["bot", "-sent_at", "-id"], condition=Q(private=False), name="msg_bot_sent"
            ),
            models.Index(
                fields=["business", "channel", "-sent_at"],
                condition=Q(private=False),
                name="msg_channel_sent",
            ),
            # Word Analysis lists the user messages the bot failed to understand.
            models.Index(
                fields=["business", "-sent_at"],
                condition=Q(sender="user", bot_break=True),
                name="msg_bot_breaks",
            ),
        ]

    def __str__(self):
        return f"{self.conversation_id}/{self.external_id}"


ERASED_KEY_SALT = "chatlinks.erased-id"


class ErasedId(models.Model):
    """The tombstone of an erased end user: a keyed hash (HMAC with SECRET_KEY) of their user
    id and of each of their conversation ids, never the ids themselves, so that a platform
    that sends their data again is refused (ingest.writer) without the database naming them."""

    class Kind(models.TextChoices):
        USER = "user", "End user id"
        CONVERSATION = "conversation", "Conversation id"

    business = models.ForeignKey(Business, models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "erased id"
        constraints = [
            models.UniqueConstraint(
                fields=["business", "kind", "key"], name="erased_id_unique_in_business"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key[:12]}… erased {self.erased_at:%Y-%m-%d}"

    @staticmethod
    def key_of(business_id: int, kind: str, external_id: str) -> str:
        """The keyed hash of one of a business's ids: without SECRET_KEY, no one can tell from
        it which id it was, even by trying every phone number."""
        value = f"{business_id}:{kind}:{external_id}"
        return salted_hmac(ERASED_KEY_SALT, value, algorithm="sha256").hexdigest()


class JobQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])

    def remasking(self, business):
        """Whether the business's stored masked texts and phrases may still hold a value that
        has just become personal: a job that masks them again is pending, or the latest one
        failed (until a retry, or a later one, is done)."""
        remask_jobs = self.filter(business=business, remasks=True)
        latest = remask_jobs.order_by("-created_at", "-id").values("pk")[:1]
        return remask_jobs.filter(
            Q(state__in=[Job.State.QUEUED, Job.State.RUNNING])
            | Q(pk=Subquery(latest), state=Job.State.FAILED)
        ).exists()


class Job(models.Model):
    """A background rebuild of one business's derived data, with its progress."""

    class Kind(models.TextChoices):
        ROLLUPS = "rollups", "Recount the analytics rollups"
        ERASURE = "erasure", "Erase an end user's data"
        TOPICS = "topics", "Group bot-break messages into topics"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    business = models.ForeignKey(Business, models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    # What masking hides changed: the job masks the stored texts again before recounting.
    remasks = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # An ERASURE's end user (gone when it is done), and who asked for it, as the audit log
    # names them (ingest.actors).
    end_user = models.ForeignKey(
        EndUser, models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by_kind = models.CharField(max_length=16, blank=True)
    requested_by_name = models.CharField(max_length=160, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business", "-created_at", "-id"], name="job_business_recent"),
            models.Index(fields=["business", "state"], name="job_business_state"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.business.slug} ({self.state})"

    @property
    def percent(self):
        if self.state == Job.State.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
