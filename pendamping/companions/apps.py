from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompanionsConfig(AppConfig):
    name = "pendamping.companions"
    label = "companions"
    verbose_name = _("Companions")

    def ready(self) -> None:
        from pendamping.companions.views import appraisal, briefing, internship, lifecycle, recruitment, visits

        for module in (lifecycle, recruitment, briefing, internship, visits, appraisal):
            module.register_panels()
