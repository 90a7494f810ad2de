"""The companions API: records and assignments, the steps of the companion model, and their rows as flat lists."""

from ninja import Router

from pendamping.companions.api import (
    appraisal,
    briefing,
    internship,
    lifecycle,
    lists,
    people,
    recruitment,
    rubrics,
    visits,
)

router = Router()
for module in (people, lifecycle, recruitment, briefing, internship, visits, appraisal, lists, rubrics):
    router.add_router("", module.router)
