"""The role × action matrix, in one place. Scope (which rows) is a separate question answered by each
model's `visible_to(user)`; this file answers what a role may *do* with rows it can see."""

from typing import Any

from pendamping.accounts.models import Role

A, OF, C, E, AU = Role.ADMIN, Role.OFFICER, Role.COMPANION, Role.EVALUATOR, Role.AUDITOR

MATRIX: dict[str, frozenset[str]] = {
    "registry.view": frozenset({A, OF, C, AU}),
    "family.change": frozenset({A, OF}),
    "group.change": frozenset({A, OF}),
    "membership.change": frozenset({A, OF}),
    "grant.change": frozenset({A, OF}),
    "tranche.approve": frozenset({A, OF}),  # never the person who entered the tranche (the service checks)
    "grant.plan": frozenset({A, OF}),  # the spending plan (RAB)
    "grant.realise": frozenset({A, OF, C}),  # what was spent, with its receipt
    # Enterprise (UEP): companions report for the KUBE assigned to them; officers lock a regency's month.
    "report.submit": frozenset({A, OF, C}),
    "report.lock": frozenset({A, OF}),
    "iks.change": frozenset({A, OF, C}),
    "welfare.change": frozenset({A, OF, C}),
    "classification.manage": frozenset({A}),
    "enterprise.settings": frozenset({A}),
    "partnership.view": frozenset({A, OF, C, AU}),
    "partnership.change": frozenset({A, OF}),
    "complaint.view": frozenset({A, OF, AU}),
    "complaint.change": frozenset({A, OF}),
    "companion.view": frozenset({A, OF, AU}),
    "companion.change": frozenset({A, OF}),
    "assignment.change": frozenset({A, OF}),
    # The companion model (issue 5): the province runs recruitment, briefing and internships; officers enter
    # applicants, score the panel's criteria, rate appraisals; companions record their visits and logbooks.
    "recruitment.view": frozenset({A, OF, AU}),
    "recruitment.manage": frozenset({A}),  # calls, criteria, decisions
    "recruitment.enter": frozenset({A, OF}),  # applicants entered by an officer
    "recruitment.score": frozenset({A, OF}),  # the panel's criteria (interview, written test)
    "briefing.view": frozenset({A, OF, AU}),
    "briefing.manage": frozenset({A}),
    "internship.view": frozenset({A, OF, C, AU}),
    "internship.manage": frozenset({A}),
    "internship.log": frozenset({A, C}),  # the trainee's logbook
    "internship.assess": frozenset({A, OF}),
    "visit.view": frozenset({A, OF, C, AU}),
    "visit.record": frozenset({A, C}),
    "appraisal.view": frozenset({A, OF, AU}),
    "appraisal.rate": frozenset({A, OF}),
    "appraisal.manage": frozenset({A}),
    "nik.unmasked": frozenset({A, OF}),
    "audit.view": frozenset({A, OF, AU}),
    "users.manage": frozenset({A}),
    # Evaluation: which studies (the named ones) is the scope's question; these say what may be done there.
    "evaluation.view": frozenset({A, OF, E, AU}),
    "evaluation.manage": frozenset({A}),
    "evaluation.analyse": frozenset({A, OF, E}),
    "evaluation.respond": frozenset({A, C}),
    # Data exchange (issue 6): what each kind writes is still checked row by row by its services; these say who
    # may use the doors at all. Companions bring back their own offline (ODK/Kobo) visits and reports.
    "import.run": frozenset({A, OF, C}),
    "import.mapping": frozenset({A, OF}),
    "export.lists": frozenset({A, OF, C, AU}),
    "export.research": frozenset({A, E}),
    "duplicate.review": frozenset({A, OF}),
    "xlsform.download": frozenset({A, OF, C}),
    # Dashboards (issue 7): the regency map and indicators, for those who answer for a province or regency.
    "dashboard.view": frozenset({A, OF, AU}),
    "report.make": frozenset({A, OF, AU}),
}


def can(user: Any, action: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    role = Role.ADMIN if user.is_superuser else user.role
    return role in MATRIX[action]
