from django.apps import AppConfig


class ResettlementConfig(AppConfig):
    name = "resettlement"

    def ready(self) -> None:
        from resettlement import listeners  # the listeners import models: not before ready()

        listeners.register()
