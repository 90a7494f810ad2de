from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "pendamping.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships (kemitraan)")

    def ready(self) -> None:
        from pendamping.partnerships.views import coverage

        coverage.register_panels()
