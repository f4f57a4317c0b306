"""Reuse links of a portfolio: every member lists and reads them; PMs add, change (``If-Match``) and remove
(``If-Match``) them through ``portfolio.services`` (a link that would close a cycle is refused, naming it)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from portfolio import selectors, services
from portfolio.models import ReuseLink

from ..conditional import conflict_as_412, link_etag, require_if_match
from ..serializers.links import LinkSerializer, LinkUpdateSerializer
from .base import PortfolioView


class LinkListView(PortfolioView, generics.ListCreateAPIView):
    serializer_class = LinkSerializer
    write_action = "edit_links"

    def get_queryset(self):
        if self.is_schema():
            return ReuseLink.objects.none()
        return selectors.link_list(portfolio=self.portfolio).order_by("producer__name", "consumer__name", "pk")

    @extend_schema(summary="Add a reuse link (PM)")
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = serializer.save()
        headers = {"ETag": link_etag(link.pk, link.version)}
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED, headers=headers)


class LinkDetailView(PortfolioView):
    serializer_class = LinkUpdateSerializer
    write_action = "edit_links"
    http_method_names = ["get", "patch", "delete", "head", "options"]
    conditional_methods = ("PATCH", "DELETE")

    def _link(self, link_id: int) -> ReuseLink:
        try:
            return selectors.link_get(portfolio=self.portfolio, link_id=link_id)
        except ReuseLink.DoesNotExist:
            raise Http404 from None

    def _current(self, link_id: int) -> tuple[str, dict]:
        link = self._link(link_id)
        return link_etag(link.pk, link.version), self.get_serializer(link).data

    @extend_schema(summary="A reuse link, with its ETag")
    def get(self, request, slug: str, link_id: int):
        etag, data = self._current(link_id)
        return Response(data, headers={"ETag": etag})

    @extend_schema(summary="Change a link's kind, fraction or note (PM; If-Match)", responses={200: LinkSerializer})
    def patch(self, request, slug: str, link_id: int):
        link = self._link(link_id)
        self.expected_version = link.version
        serializer = self.get_serializer(link, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)  # bad input is a 400 before the If-Match is looked at
        require_if_match(request, link_etag(link.pk, link.version), lambda: self.get_serializer(link).data)
        with conflict_as_412(lambda: self._current(link_id)):
            serializer.save()
        etag, data = self._current(link_id)
        return Response(data, headers={"ETag": etag})

    @extend_schema(summary="Remove a reuse link (PM; If-Match)", responses={204: None})
    def delete(self, request, slug: str, link_id: int):
        link = self._link(link_id)
        require_if_match(request, link_etag(link.pk, link.version), lambda: self.get_serializer(link).data)
        with conflict_as_412(lambda: self._current(link_id)):
            services.link_delete(link=link, user=request.user, expected_version=link.version)
        return Response(status=status.HTTP_204_NO_CONTENT)
