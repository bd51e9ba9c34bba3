from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Staff and prisons"

    def ready(self) -> None:
        from django.conf import settings

        from accounts import one_line_text, signals  # noqa: F401

        one_line_text.install(settings.BASE_DIR)


class LearnerJourneyAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "accounts.admin_site.LearnerJourneyAdminSite"
