"""The evaluation app's API router: instruments, studies, respondents, answers, analyses, gap analysis."""

from ninja import Router

from pendamping.evaluation.api import analyses, gap, instruments, respondents, responses, studies

router = Router()
for module in (instruments, studies, respondents, responses, analyses, gap):
    router.add_router("", module.router)
