"""The profile page's API tokens: create one (shown once), see when each was last used, revoke it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portfolio.forms.versioned import add_service_errors

from .. import tokens
from ..forms import TokenForm

TEMPLATE = "api/tokens.html"
SHOWN_ONCE = "api_token_shown_once"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens and a form for a new one; a new token is shown once, on the page after the POST."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SHOWN_ONCE] = issued.text
            return redirect("api:tokens")
    context = {
        "form": form,
        "tokens": tokens.tokens_of(user=request.user),
        "new_token": request.session.pop(SHOWN_ONCE, None),
    }
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = tokens.token_revoke(user=request.user, token_id=token_id)
    if token is not None:
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api:tokens")
