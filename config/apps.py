"""App configurations of the project itself (the admin's, which installs the superuser-only site)."""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``config.admin.SuperuserAdminSite`` as ``admin.site``."""

    default_site = "config.admin.SuperuserAdminSite"
