import base64

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conversations.models import Business, Membership
from demo.records import DEMO_AUTHENTICATOR_KEY, DEMO_PASSWORD, demo_logins, demo_records
from demo.world import BUSINESSES
from ingest import writer
from ingest.actors import Actor
from ingest.importer import PrintedProgress, import_records
from signin import factor

PLATFORM_ADMIN = "platform_admin"


class Command(BaseCommand):
    help = (
        "Load demo businesses, bots, teams, staff and conversations through the importer. "
        "Safe to run again: the same seed re-imports the same records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="varies the generated data")
        parser.add_argument(
            "--conversations", type=int, default=300, help="how many conversations to generate"
        )

    def handle(self, *, seed, conversations, **options):
        if conversations < 0:
            raise CommandError("--conversations must not be negative")
        records = demo_records(seed=seed, conversations=conversations)
        # The real import path, so the demo exercises exactly what a platform push does.
        result = import_records(
            ((f"record {number}", record) for number, record in enumerate(records, start=1)),
            Actor.management_command("seed_demo"),
            progress=PrintedProgress(self.stderr),
        )
        self.stdout.write(f"Demo data: {result.summary()}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} demo records were rejected")

        self.set_second_factors()
        self.ensure_platform_admin()
        logins = [
            ("username", "business", "sees"),
            *demo_logins(),
            (PLATFORM_ADMIN, "(all)", "superuser: the Django admin; PII visible everywhere"),
        ]
        widths = [max(len(row[column]) for row in logins) for column in range(2)]
        self.stdout.write(f"\nDemo logins, all with the password {DEMO_PASSWORD!r}:")
        for username, business, sees in logins:
            self.stdout.write(f"  {username:<{widths[0]}}  {business:<{widths[1]}}  {sees}")

    def ensure_platform_admin(self):
        """The operator who sets businesses up in the Django admin: not a staff record."""
        User = get_user_model()
        if not User.objects.filter(username=PLATFORM_ADMIN).exists():
            User.objects.create_superuser(PLATFORM_ADMIN, "", DEMO_PASSWORD)

    def set_second_factors(self):
        """Each demo business requires a second factor or not, and allows single sign-on or
        not, as its data file says; the logins of one that requires the factor share an
        authenticator app key, printed here."""
        actor = Actor.management_command("seed_demo")
        key = base64.b32encode(bytes.fromhex(DEMO_AUTHENTICATOR_KEY)).decode()
        for demo in BUSINESSES:
            business = Business.objects.get(slug=demo.slug)
            writer.update_business(
                actor,
                business,
                require_second_factor=demo.require_second_factor,
                allow_single_sign_on=demo.allow_single_sign_on,
            )
            if not demo.require_second_factor:
                continue
            for membership in Membership.objects.filter(business=business).select_related("user"):
                factor.set_authenticator_key(membership.user, DEMO_AUTHENTICATOR_KEY)
            self.stdout.write(
                f"\n{demo.name} requires a second factor to see personal data: add the key {key} "
                "to an authenticator app (every one of its logins has it), then enter its code "
                "on the page the banner links to."
            )
