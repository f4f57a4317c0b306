"""Paging of every list: ``?limit=`` (default 50, at most 1,000) and ``?offset=``, answered with ``count``, ``next``
and ``previous`` links and ``results``."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000
