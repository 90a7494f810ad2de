from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "pendamping.enterprise"
    label = "enterprise"
    verbose_name = _("Enterprise (UEP)")

    def ready(self) -> None:
        from pendamping.core import changes
        from pendamping.enterprise.services.rescore import rescore_later
        from pendamping.enterprise.views import classification, grant_use, ledger, reports

        for module in (reports, grant_use, ledger, classification):
            module.register_panels()
        # Membership and status changes in the registry change what a KUBE's score is computed from.
        changes.subscribe("enterprise.rescore", lambda group_id: rescore_later(group_id=group_id))
