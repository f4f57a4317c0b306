from django.apps import AppConfig


def _recompute_on_change(sender, *, portfolio_id: int, **kwargs) -> None:
    from .services import recompute  # imported on first use: it pulls in NumPy and the task module

    recompute.on_inputs_changed(sender, portfolio_id=portfolio_id)


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Ranking, roadmap and recompute"

    def ready(self) -> None:
        # portfolio/ must not import roadmap/ (layering): it announces input changes with a signal
        # and the recompute pipeline listens here.
        from portfolio.signals import inputs_changed

        inputs_changed.connect(_recompute_on_change, dispatch_uid="roadmap-recompute-on-change")
