"""What the open planner keeps: API tokens, webhooks with their delivery log, and read-only share links.

Secrets are stored as little as they can be: an API token and a share link keep only the SHA-256 of their
secret (the token or link is shown once); a webhook keeps its signing secret, which every delivery needs.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A user's key to the API (``Authorization: Bearer mlp_<prefix>_<secret>``), shown once at creation.

    ``prefix`` finds the token; only the SHA-256 of the secret is stored (``secret_hash``), so a copy of the
    database cannot be used to call the API. A read-only token may read whatever its user may read and write
    nothing. ``last_used_at`` is recorded at most once a minute; a revoked token is kept for the record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “CI export”.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class WebhookFormat(models.TextChoices):
    """What a delivery's body is: the full JSON event, or ``{"text": ...}`` for a team chat's incoming webhook."""

    JSON = "json", "JSON event"
    TEXT = "text", 'Plain text for a team chat ({"text": …})'


class Webhook(models.Model):
    """A URL a portfolio's events are POSTed to, signed with ``secret`` (HMAC-SHA256, see ``api.webhooks.signing``).

    ``events`` lists the event names it receives (``api.webhooks.events.EVENTS``). The URL must not resolve to
    a loopback or private address unless ``WEBHOOK_ALLOW_PRIVATE``; it is checked again at every delivery.
    """

    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200)
    events = models.JSONField(default=list)
    format = models.CharField(max_length=8, choices=WebhookFormat.choices, default=WebhookFormat.JSON)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    recent: list["WebhookDelivery"]  # not a column: the latest deliveries, set by the webhooks page

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.url} ({', '.join(self.events)})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Failed, will retry"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one webhook: the body as sent, each attempt's outcome.

    ``body`` is the exact JSON the receiver gets (signed at each attempt with the time of that attempt);
    ``response_status`` is the HTTP status of the last attempt (None: no answer, see ``error``).
    """

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=40, help_text="The event's id, the same in every delivery of it.")
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    resent_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["webhook", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook_id}: {self.status}"


class SharedPage(models.TextChoices):
    """The pages a share link can show (``api.web.shared`` renders each)."""

    CHART = "chart", "ROI chart & ranking"
    ROADMAP = "roadmap", "Roadmap"


class ShareLink(models.Model):
    """A read-only link to one page of a portfolio for people without an account, until ``expires_at``.

    The link's token is signed and names the link and a random secret of which only the SHA-256 is stored
    (as for invitations, ``portfolio.invitation_tokens``). A PM revokes it (``revoked_at``); the page says who
    made it and when.
    """

    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="share_links")
    page = models.CharField(max_length=12, choices=SharedPage.choices)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    views = models.PositiveIntegerField(default=0, editable=False)
    last_viewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_page_display()} of {self.portfolio} until {self.expires_at:%Y-%m-%d}"

    def usable(self, now=None) -> bool:
        """Not revoked and not expired (at ``now``, default: the current time)."""
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
