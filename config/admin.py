"""The Django admin site, for superusers only.

Staff accounts without superuser status get nothing there (the admin's login page says they are not
authorised): portfolios, members and roles are managed in the app itself, where the services keep their
rules (a portfolio always has an owner, invitations are single-use); the admin is for support.
"""

from django.contrib import admin
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    """The admin, opened to active superusers only (Django's default also lets in every staff account)."""

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser
