"""The privacy policy's numbers, with the defaults used when settings do not give them.

PRIVACY_RETENTION_DAYS: per record type, how long personal fields are kept after the record ended.
PRIVACY_MASS_ROWS / PRIVACY_MASS_HOURS: personal rows one user may export within the window before an alert.
PRIVACY_REVEALS_PER_HOUR: unmasked views one user may make within an hour before an alert."""

from django.conf import settings

RETENTION_DAYS: dict[str, int] = {
    # A family that left the programme: ten years, the archive period of social-assistance records.
    "registry.family": 3650,
    # A closed complaint: five years, long enough for any appeal or audit of its handling.
    "complaints.complaint": 1825,
    # An applicant not taken on: two years after the decision, for a complaint about the selection.
    "companions.application": 730,
}


def retention_days() -> dict[str, int]:
    return {**RETENTION_DAYS, **getattr(settings, "PRIVACY_RETENTION_DAYS", {})}


def mass_rows() -> int:
    return int(getattr(settings, "PRIVACY_MASS_ROWS", 5000))


def mass_hours() -> int:
    return int(getattr(settings, "PRIVACY_MASS_HOURS", 24))


def reveals_per_hour() -> int:
    return int(getattr(settings, "PRIVACY_REVEALS_PER_HOUR", 60))
