from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Staff and prisons"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401


class LearnerJourneyAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "accounts.admin_site.LearnerJourneyAdminSite"
