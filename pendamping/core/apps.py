from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pendamping.core"
    label = "core"
