"""The list of portfolios a user can see."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import selectors


@login_required
@require_safe
def portfolio_list(request):
    """Portfolios the user is a member of, with their role in each."""
    return render(request, "portfolio/portfolio_list.html", {"rows": selectors.portfolios_for_user(request.user)})
