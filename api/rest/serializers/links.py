"""Reuse links: producer -> consumer, kind, fraction of the consumer's effort saved (0 to 0.9), note, version.
Written through ``portfolio.services`` (``link_create`` refuses a cycle, naming it: 409). A producer or consumer id
the portfolio does not have is a 404 (``problems.refusal_status``), a pair already linked a 409."""

from rest_framework import serializers

from portfolio import services
from portfolio.models import Project, ReuseLink

from ..conditional import link_etag
from .strict import StrictModelSerializer


class LinkSerializer(StrictModelSerializer):
    """A reuse link; ``producer`` and ``consumer`` are project ids of the same portfolio (fixed once created)."""

    producer = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    consumer = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    producer_name = serializers.CharField(source="producer.name", read_only=True)
    consumer_name = serializers.CharField(source="consumer.name", read_only=True)
    etag = serializers.SerializerMethodField()

    class Meta:
        model = ReuseLink
        fields: tuple[str, ...] = (
            "id",
            "producer",
            "producer_name",
            "consumer",
            "consumer_name",
            "kind",
            "fraction",
            "note",
        )
        fields += ("version", "etag")
        read_only_fields: tuple[str, ...] = ("id", "version")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        portfolio = self.context.get("portfolio")
        if portfolio is not None and not self.fields["producer"].read_only:
            projects = Project.objects.filter(portfolio=portfolio)
            self.fields["producer"].queryset = projects
            self.fields["consumer"].queryset = projects

    def get_etag(self, link: ReuseLink) -> str:
        return link_etag(link.pk, link.version)

    def validate(self, data: dict) -> dict:
        if data.get("producer") is not None and data.get("producer") == data.get("consumer"):
            # The shortest cycle: a 409 like any other (the schema cannot say two fields must differ).
            raise serializers.ValidationError({"consumer": "A project cannot reuse its own output."}, code="cycle")
        return data

    def create(self, validated_data: dict) -> ReuseLink:
        try:
            return services.link_create(user=self.context["user"], **validated_data)
        except services.CycleError as error:
            raise serializers.ValidationError({"consumer": [str(error)]}, code="cycle") from None

    def update(self, instance: ReuseLink, validated_data: dict) -> ReuseLink:
        expected = self.context["expected_version"]
        return services.link_update(
            link=instance, data=validated_data, user=self.context["user"], expected_version=expected
        )


class LinkUpdateSerializer(LinkSerializer):
    """A change of a link's kind, fraction or note (its ends stay: remove it and add another to change them; a
    ``producer`` or ``consumer`` sent is ignored, like any other field the schema does not list)."""

    producer = serializers.PrimaryKeyRelatedField(read_only=True)
    consumer = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(LinkSerializer.Meta):
        read_only_fields = ("id", "producer", "consumer", "version")
