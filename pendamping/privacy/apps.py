from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "pendamping.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        # Reveals are recorded by many doors in apps below this one; listening where the audit entry is
        # written catches every one of them (and any added later) without those apps importing privacy.
        from pendamping.audit.services import on_reveal
        from pendamping.privacy.services.alerts import alert_check_reveals

        on_reveal(alert_check_reveals)
