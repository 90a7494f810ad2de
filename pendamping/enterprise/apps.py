from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "pendamping.enterprise"
    label = "enterprise"
    verbose_name = _("Enterprise (UEP)")

    def ready(self) -> None:
        from pendamping.enterprise.views import classification, grant_use, ledger, reports

        for module in (reports, grant_use, ledger, classification):
            module.register_panels()
