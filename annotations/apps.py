from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self) -> None:
        from annotations import changes  # noqa: F401  (connects the signal receivers)
        from annotations.lookups import OneOf
        from annotations.models import Annotation

        Annotation._meta.pk.register_lookup(OneOf)
