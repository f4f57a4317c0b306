from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API, tokens, webhooks and share links"

    def ready(self) -> None:
        # Webhooks listen to what the backlog and the recompute announce; neither imports this app.
        from .rest import schema  # noqa: F401 (registers the schema's authentication extensions)
        from .webhooks import receivers

        receivers.connect()
