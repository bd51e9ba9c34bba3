from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self) -> None:
        from reviews import listeners  # the listeners import models: not before ready()

        listeners.register()
