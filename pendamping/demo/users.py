"""One demo login per role, created once; the companion login is linked to a demo companion with KUBE."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pendamping.accounts.models import Role, User
from pendamping.accounts.services import user_create
from pendamping.audit.services import audit_record, snapshot
from pendamping.demo.companions import companion_models
from pendamping.regions.models import Region

SURABAYA, MALANG = "35.78", "35.07"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    password: str
    regencies: tuple[str, ...] = ()


# Known passwords, printed by `pendamping demo`: for a demo on 127.0.0.1, never for real data.
DEMO_USERS = (
    DemoUser("admin", Role.ADMIN, "demo-admin-2026"),
    DemoUser("officer", Role.OFFICER, "demo-officer-2026", (SURABAYA, MALANG)),
    DemoUser("companion", Role.COMPANION, "demo-companion-2026"),
    DemoUser("evaluator", Role.EVALUATOR, "demo-evaluator-2026"),
    DemoUser("auditor", Role.AUDITOR, "demo-auditor-2026", (SURABAYA,)),
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    scope: str
    created: bool


def demo_users_ensure() -> list[Login]:
    """Create the demo users that are missing (an existing user keeps its password) and describe them."""
    logins = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        created = user is None
        if user is None:
            # The admin is also a Django superuser, so the Django admin site opens for them.
            staff = demo.role == Role.ADMIN
            user = user_create(
                actor=None, username=demo.username, password=demo.password, role=demo.role,
                regency_codes=list(demo.regencies), first_name="Demo", last_name=str(demo.role.label),
                is_staff=staff, is_superuser=staff,
            )  # fmt: skip
        if demo.role == Role.COMPANION:
            _link_companion(user)
        logins.append(Login(demo.username, demo.password, str(demo.role.label), _scope(demo, user), created))
    return logins


def _link_companion(user: User) -> None:
    """Give the companion login a demo companion who accompanies KUBE now."""
    companion_model, _assignment = companion_models()
    if companion_model.objects.filter(user=user).exists():
        return
    free = companion_model.objects.filter(user__isnull=True, assignments__ended_on__isnull=True).order_by("id")
    # Surabaya first, so the demo officer and auditor see the companion's KUBE too.
    companion = free.filter(regency_id=SURABAYA).first() or free.first()
    if companion is None:
        return
    before = snapshot(companion)
    companion.user = user
    companion.save(update_fields=["user"])
    audit_record(actor=None, action="update", obj=companion, before=before, after=snapshot(companion))


def _scope(demo: DemoUser, user: User) -> str:
    if demo.role == Role.ADMIN:
        return _("all of Jawa Timur")
    if demo.role == Role.EVALUATOR:
        return _("pseudonymised data only")
    if demo.role == Role.COMPANION:
        companion = companion_models()[0].objects.filter(user=user).first()
        if companion is None:
            return _("no companion record linked")
        kube = companion.assignments.filter(ended_on__isnull=True).count()
        return _("%(name)s, %(n)d KUBE") % {"name": companion.name, "n": kube}
    names = Region.objects.filter(code__in=demo.regencies).order_by("code").values_list("name", flat=True)
    return ", ".join(names)
