from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from reports import listeners  # the listeners import models: not before ready()

        listeners.register()
