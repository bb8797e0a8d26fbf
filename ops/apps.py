from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: backing up and restoring its database."""

    name = "ops"
