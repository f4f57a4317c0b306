"""Paging of every list: ``?limit=`` (default 50, 1 to 1,000) and ``?offset=`` (0 to 999,999,999), answered with
``count``, ``next`` and ``previous`` links and ``results``. A limit or offset that is not such a number is refused."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from portfolio.parsing import whole_number

MAX_OFFSET = 999_999_999


def _whole(request, name: str, default: int, *, least: int, most: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    number = whole_number(text, least=least, most=most)
    if number is None:
        raise ValidationError({name: [f"A whole number from {least} to {most:,}."]})
    return number


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000

    def get_limit(self, request) -> int:
        return _whole(request, self.limit_query_param, self.default_limit, least=1, most=self.max_limit)

    def get_offset(self, request) -> int:
        return _whole(request, self.offset_query_param, 0, least=0, most=MAX_OFFSET)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            limit = parameter["name"] == self.limit_query_param
            parameter["schema"].update(minimum=1 if limit else 0, maximum=self.max_limit if limit else MAX_OFFSET)
        return parameters
