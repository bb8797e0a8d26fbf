from django.apps import AppConfig


class ReadingConfig(AppConfig):
    """The reading page and its live channel: composed from the text (`edition`), what readers
    add (`annotations`) and the courses they read in (`courses`), above all three."""

    name = "reading"
    verbose_name = "Reading"
