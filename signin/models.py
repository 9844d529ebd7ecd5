from django.conf import settings
from django.db import models


class UserSession(models.Model):
    """A signed-in session of a staff member, so that it can be listed and ended (a Django
    session alone cannot be found by its user without reading every session)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute (signin.sessions.LAST_SEEN_PRECISION).
    last_seen_at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=200, blank=True)  # the browser's User-Agent

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
