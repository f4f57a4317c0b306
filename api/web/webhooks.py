"""A portfolio's webhooks (PMs): register one, pause or resume it, remove it, read its delivery log and send a
delivery again. Plain form POSTs that redirect back (the page works without JavaScript)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portfolio.forms.versioned import add_service_errors
from portfolio.permissions import Access, portfolio_access
from portfolio.views.common import page_context

from ..forms import WebhookForm
from ..models import Webhook, WebhookDelivery
from ..webhooks import services
from ..webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

TEMPLATE = "api/webhooks.html"
LOG_ROWS = 20  # deliveries shown per webhook
NEW_SECRET = "api_webhook_secret_shown_once"


def _access(request: HttpRequest, slug: str) -> Access:
    access = portfolio_access(request.user, slug)
    access.require("edit_settings")
    return access


def _webhooks(access: Access) -> list[Webhook]:
    recent = WebhookDelivery.objects.order_by("-created_at", "-id")
    hooks = list(Webhook.objects.filter(portfolio=access.portfolio).prefetch_related(Prefetch("deliveries", recent)))
    for hook in hooks:
        hook.recent = list(hook.deliveries.all())[:LOG_ROWS]
    return hooks


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks(request: HttpRequest, slug: str) -> HttpResponse:
    """The webhooks with their delivery logs, and the form to register one (POST)."""
    access = _access(request, slug)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hook = services.webhook_create(
                portfolio=access.portfolio,
                url=data["url"],
                secret=data["secret"],
                events_wanted=data["events"],
                format=data["format"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not data["secret"]:
                request.session[NEW_SECRET] = [hook.pk, hook.secret]
            messages.success(request, f"Webhook added: events go to {hook.url}.")
            return redirect("api:webhooks", slug=slug)
    shown = request.session.pop(NEW_SECRET, None)
    context = page_context(
        request,
        access,
        nav="settings",
        form=form,
        webhooks=_webhooks(access),
        new_secret=shown,
        signature_header=SIGNATURE_HEADER,
        timestamp_header=TIMESTAMP_HEADER,
    )
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


def _webhook(access: Access, webhook_id: int) -> Webhook:
    hook = Webhook.objects.filter(portfolio=access.portfolio, pk=webhook_id).first()
    if hook is None:
        raise Http404
    return hook


@login_required
@require_POST
def webhook_action(request: HttpRequest, slug: str, webhook_id: int) -> HttpResponse:
    """``action``: pause, resume or delete."""
    access = _access(request, slug)
    hook = _webhook(access, webhook_id)
    action = request.POST.get("action")
    if action == "delete":
        services.webhook_delete(webhook=hook)
        messages.success(request, f"Webhook to {hook.url} removed.")
    elif action in ("pause", "resume"):
        services.webhook_set_active(webhook=hook, active=action == "resume")
        messages.success(request, f"Webhook to {hook.url} {'resumed' if action == 'resume' else 'paused'}.")
    return redirect("api:webhooks", slug=slug)


@login_required
@require_POST
def delivery_resend(request: HttpRequest, slug: str, delivery_id: int) -> HttpResponse:
    """Send a delivery's body again (a new delivery in the log)."""
    access = _access(request, slug)
    delivery = WebhookDelivery.objects.filter(webhook__portfolio=access.portfolio, pk=delivery_id).first()
    if delivery is None:
        raise Http404
    services.delivery_resend(delivery=delivery)
    messages.success(request, f"{delivery.event} sent again to {delivery.webhook.url}.")
    return redirect("api:webhooks", slug=slug)
