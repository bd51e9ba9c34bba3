from django.db import migrations


def install(apps, schema_editor):
    from notifications.schedule import install_schedule

    install_schedule(apps)


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(
        task__in=["reports.refresh_stale_figures", "reports.refresh_all_figures"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_dashboard_figures_kept_precomputed"),
        ("notifications", "0002_beat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
