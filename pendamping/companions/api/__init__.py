"""The companions API: records and assignments, and the steps of the companion model."""

from ninja import Router

from pendamping.companions.api import appraisal, briefing, internship, lifecycle, people, recruitment, visits

router = Router()
for module in (people, lifecycle, recruitment, briefing, internship, visits, appraisal):
    router.add_router("", module.router)
