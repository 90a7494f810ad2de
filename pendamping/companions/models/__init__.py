"""Social companions and the whole companion model: recruitment, briefing, internship, assignment to KUBE,
visits and appraisal."""

from pendamping.companions.models.appraisal import Appraisal, AppraisalIndicator, AppraisalRubric, Rating
from pendamping.companions.models.briefing import (
    Attendance,
    Briefing,
    BudgetLine,
    Equipment,
    Instructor,
    Module,
    Participant,
    Session,
)
from pendamping.companions.models.internship import Assessment, Host, InternshipRound, LogEntry, Placement
from pendamping.companions.models.people import Assignment, Companion
from pendamping.companions.models.recruitment import Application, ApplicationScore, Call, CallQuota, Criterion
from pendamping.companions.models.visits import FollowUp, Visit

__all__ = [
    "Application",
    "ApplicationScore",
    "Appraisal",
    "AppraisalIndicator",
    "AppraisalRubric",
    "Assessment",
    "Assignment",
    "Attendance",
    "Briefing",
    "BudgetLine",
    "Call",
    "CallQuota",
    "Companion",
    "Criterion",
    "Equipment",
    "FollowUp",
    "Host",
    "Instructor",
    "InternshipRound",
    "LogEntry",
    "Module",
    "Participant",
    "Placement",
    "Rating",
    "Session",
    "Visit",
]
