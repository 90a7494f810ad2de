"""The groups' businesses (UEP): monthly reports, grant use, the IKS ledger, family welfare and classification."""

from pendamping.enterprise.models.classification import GroupScore, Indicator, Level, Rubric
from pendamping.enterprise.models.grant_use import PlanItem, Realisation
from pendamping.enterprise.models.ledger import IksEntry, WelfareRecord
from pendamping.enterprise.models.reports import EnterpriseSettings, MonthlyReport, PeriodLock
from pendamping.enterprise.models.welfare_change import WelfareChange

__all__ = [
    "EnterpriseSettings",
    "GroupScore",
    "IksEntry",
    "Indicator",
    "Level",
    "MonthlyReport",
    "PeriodLock",
    "PlanItem",
    "Realisation",
    "Rubric",
    "WelfareChange",
    "WelfareRecord",
]
