from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "pendamping.complaints"
    label = "complaints"
    verbose_name = _("Complaints (pengaduan)")

    def ready(self) -> None:
        from pendamping.complaints.views import panels

        panels.register_panels()
