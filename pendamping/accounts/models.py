import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class CodeList(models.Aggregate):
    """A group's codes as one comma-separated text: string_agg on PostgreSQL, group_concat on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = models.TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


class Role(models.TextChoices):
    ADMIN = "admin", _("Provincial admin")
    OFFICER = "officer", _("Regency officer")
    COMPANION = "companion", _("Companion")
    EVALUATOR = "evaluator", _("Evaluator")
    AUDITOR = "auditor", _("Auditor (read-only)")


class User(AbstractUser):
    """A person who signs in. Scope: admins see the province; officers and auditors their regencies;
    a companion the KUBE assigned to them (through the Companion linked to this user); evaluators
    pseudonymised data only. A user with no role, or a regional role with no region, sees nothing."""

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, blank=True)
    regencies = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="+",
        limit_choices_to={"level": "kabupaten_kota"},
        verbose_name=_("regencies/cities"),
    )

    @property
    def is_province_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @cached_property
    def regency_codes(self) -> list[str]:
        # The link table holds the codes: no join to the regions (read on every scoped request).
        return list(self.regencies.through.objects.filter(user_id=self.pk).values_list("region_id", flat=True))

    @classmethod
    def regency_codes_of(cls, user_id: Any) -> models.Subquery:
        """`regency_codes` of the user `user_id` (an OuterRef) as one text, to read along with a row pointing to
        the user; give the text to `know_regency_codes`."""
        links = cls.regencies.through.objects.filter(user_id=user_id).values("user_id")
        # The stubs cannot see an annotation of a values() query.
        return models.Subquery(links.annotate(codes=CodeList("region_id")).values("codes"))  # type: ignore[misc]

    def know_regency_codes(self, joined: str | None) -> None:
        """Sets `regency_codes` from `regency_codes_of`'s text, sparing its own query (region codes hold no comma)."""
        self.__dict__["regency_codes"] = joined.split(",") if joined else []

    def get_role_display_safe(self) -> str:
        return str(Role(self.role).label) if self.role else str(_("no role"))


class ApiToken(models.Model):
    """A bearer token for API clients. Only a hash is stored; the token is shown once when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
