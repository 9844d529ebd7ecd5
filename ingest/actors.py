"""Who changes a business's staff, permissions, entities, settings or API keys.

Every writer action that changes them takes an `Actor`, whatever the path: a staff member in
the console, an API key's records, a management command, the platform operator in the Django
admin. A change that can turn someone's view of personal data to full (a grant, a role that
makes a permission holder Smart Agent Chat staff, an entity made not personal, an API key) is
a reveal: the writer refuses it unless the actor sees the business's personal data in full
themselves (`may_reveal`), so no path can do what the console's pages refuse.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from audit.models import ActorKind, AuditEntry
from conversations.models import ApiKey, Business, Job
from rules.access import may_reveal_personal_data, may_view_personal_details, membership_of

PERMISSION_NAME = "Chat Agent View Personal Details"


class RevealRefused(PermissionDenied):
    """The actor does not see the business's personal data in full, so may not reveal it."""


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: Any = None  # STAFF and OPERATOR
    api_key: ApiKey | None = None  # API_KEY
    command: str = ""  # COMMAND: the management command's name; SCHEDULE: the task's
    # The name the audit log gave an actor that asked for a job (Job.requested_by_name).
    recorded_name: str = ""

    @classmethod
    def staff(cls, user: Any) -> "Actor":
        """A staff member of the business, in its console."""
        return cls(ActorKind.STAFF, user=user)

    @classmethod
    def key(cls, api_key: ApiKey) -> "Actor":
        """The records a bot platform pushed with one of the business's API keys."""
        return cls(ActorKind.API_KEY, api_key=api_key)

    @classmethod
    def management_command(cls, name: str) -> "Actor":
        """Someone with a shell on the server, running `manage.py name`."""
        return cls(ActorKind.COMMAND, command=name)

    @classmethod
    def operator(cls, user: Any) -> "Actor":
        """The platform operator, signed in to the Django admin."""
        return cls(ActorKind.OPERATOR, user=user)

    @classmethod
    def schedule(cls, task: str) -> "Actor":
        """A periodic task of the server (Celery beat), such as the retention sweep."""
        return cls(ActorKind.SCHEDULE, command=task)

    @classmethod
    def of_job(cls, job: Job) -> "Actor":
        """The actor who asked for a background job, as the job recorded them."""
        return cls(
            ActorKind(job.requested_by_kind),
            user=job.requested_by,
            recorded_name=job.requested_by_name,
        )

    def record_on(self, job: Job) -> None:
        """Note on `job` who asked for it, for the audit entry it writes when it runs."""
        job.requested_by = self.user
        job.requested_by_kind = self.kind
        job.requested_by_name = self.name

    @property
    def name(self) -> str:
        """How the audit log names the actor."""
        if self.recorded_name:
            return self.recorded_name
        if self.kind == ActorKind.SCHEDULE:
            return f"task {self.command}"
        if self.api_key is not None:
            return f"{self.api_key.prefix}…"
        if self.command:
            return f"manage.py {self.command}"
        return str(self.user.get_username())

    def audit(self, business: Business, kind: AuditEntry.Kind, what: str) -> None:
        """The business's audit entry of a change this actor made; `what` names it without
        end-user data. Written by the writer, in the change's transaction."""
        AuditEntry.objects.changed(
            business, kind, what, actor_kind=self.kind, actor_name=self.name, user=self.user
        )

    def may_reveal(self, business: Business) -> bool:
        """Whether this actor sees `business`'s personal data in full, so may reveal it."""
        match self.kind:
            case ActorKind.STAFF:
                membership = membership_of(self.user, business)
                return membership is not None and may_reveal_personal_data(self.user, membership)
            case ActorKind.API_KEY:
                # Only a full viewer issues a key (issue_api_key): its records act for them.
                assert self.api_key is not None
                return self.api_key.business_id == business.pk and self.api_key.is_active
            case ActorKind.COMMAND | ActorKind.SCHEDULE:
                # A shell on the server reads the database itself; so does its scheduler.
                return True
            case ActorKind.OPERATOR:
                return self.user.is_active and may_view_personal_details(self.user, business)
        return False

    def check_may_reveal(self, business: Business, what: str) -> None:
        """Raise RevealRefused unless this actor may reveal `business`'s personal data."""
        if not self.may_reveal(business):
            raise RevealRefused(
                f"Only someone who holds {PERMISSION_NAME} for {business.name} and sees its "
                f"personal data in full can {what}."
            )
