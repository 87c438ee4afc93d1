from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (manage.py demo_data): it uses every app, so it sits above them all and
    nothing imports it."""

    name = "demo"
    verbose_name = "Demo data"
