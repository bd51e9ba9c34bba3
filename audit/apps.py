from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Changes to users, roles, prisons and regions, wherever made (issue 13).
        from audit import configuration  # noqa: F401
