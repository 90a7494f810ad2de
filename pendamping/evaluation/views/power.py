"""The power and sample-size calculator for the next study (pendamping.stats.power)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pendamping.accounts.web import require
from pendamping.evaluation.forms import PowerForm
from pendamping.stats import power as pw

# design -> (power function, sample-size function, the form fields each takes besides n/alpha/power)
FUNCTIONS: dict[str, tuple[Any, Any, dict[str, str]]] = {
    "two_sample_t": (pw.two_sample_t_power, pw.two_sample_t_sample_size, {"delta": "delta", "sd": "sd"}),
    "paired_t": (pw.paired_t_power, pw.paired_t_sample_size, {"delta": "delta", "sd": "sd"}),
    "did": (pw.did_power, pw.did_sample_size, {"delta": "delta", "sd_change": "sd"}),
    "mcnemar": (pw.mcnemar_power, pw.mcnemar_sample_size, {"p01": "p1", "p10": "p2"}),
    "two_proportions": (pw.two_proportions_power, pw.two_proportions_sample_size, {"p1": "p1", "p2": "p2"}),
}


def compute(data: dict[str, Any]) -> str:
    """The answer as a sentence; a missing or impossible input says which."""
    power_at, size_for, names = FUNCTIONS[data["design"]]
    args = {arg: data.get(field) for arg, field in names.items()}
    if any(value is None for value in args.values()):
        return _("Fill in: %(fields)s.") % {
            "fields": ", ".join(str(PowerForm.base_fields[f].label) for f in names.values())
        }
    try:
        if data.get("n"):
            value = power_at(n=data["n"], alpha=data["alpha"], **args)
            return _(
                "With %(n)d respondents per arm the study has a power of %(power).3f (%(pct).0f%%) at α = %(alpha)s."
            ) % {"n": data["n"], "power": value, "pct": 100 * value, "alpha": data["alpha"]}
        n = size_for(alpha=data["alpha"], power=data["power"], **args)
    except ValueError as exc:
        return str(exc)
    return _("%(n)d respondents per arm are needed for a power of %(power)s at α = %(alpha)s.") % {
        "n": n,
        "power": data["power"],
        "alpha": data["alpha"],
    }


@login_required
@require_GET
def power_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.view")
    form = PowerForm(request.GET or None)
    answer = compute(form.cleaned_data) if form.is_valid() else None
    return render(request, "evaluation/power.html", {"form": form, "answer": answer})
