"""The list of portfolios a user can see, and creating a new one (any logged-in user; they become its owner)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from config.requests import AuthenticatedHttpRequest

from .. import selectors, services
from ..forms.members import PortfolioCreateForm
from ..forms.versioned import add_service_errors
from ..permissions import role_label


@login_required
@require_safe
def portfolio_list(request):
    """Portfolios the user is a member of, with their role in each."""
    rows = [(portfolio, role_label(role)) for portfolio, role in selectors.portfolios_for_user(request.user)]
    return render(request, "portfolio/portfolio_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portfolio_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create a portfolio (name, description, value unit; every other setting starts at its default)."""
    form = PortfolioCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            portfolio = services.portfolio_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Portfolio “{portfolio.name}” created; you are its owner. Invite your team below."
            )
            return redirect("portfolio:members", slug=portfolio.slug)
    return render(request, "portfolio/portfolio_new.html", {"form": form}, status=400 if form.errors else 200)
