"""Families (KBS), KUBE groups with their members, and stimulus grants."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.core.nik import mask_number


def assigned_group_ids(user: Any) -> models.QuerySet[Any, Any]:
    """KUBE the user accompanies now (relations named as strings: the registry does not import companions)."""
    if not getattr(user, "is_authenticated", False):
        return Group.objects.none().values("pk")
    return Group.objects.filter(assignments__companion__user=user, assignments__ended_on__isnull=True).values("pk")


class FamilyQuerySet(models.QuerySet["Family"]):
    def visible_to(self, user: Any) -> "FamilyQuerySet":
        def current() -> Q:
            members = Membership.objects.filter(left_on__isnull=True, group__in=assigned_group_ids(user))
            return Q(pk__in=members.values("family_id"))

        return scoped(self, user, regency="regency_id", companion=current)


class Family(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        GRADUATED = "graduated", _("graduated (mandiri)")
        MOVED = "moved", _("moved away")
        DECEASED = "deceased", _("head deceased")
        INACTIVE = "inactive", _("inactive")

    # Unique and indexed by the constraint and index in Meta, not unique=True/db_index=True: those add a second,
    # LIKE-pattern index on PostgreSQL, and searches by the first digits use ranges instead (selectors.digits_from).
    nik = models.CharField(_("head's NIK"), max_length=16)
    kk_number = models.CharField(_("KK number"), max_length=16)
    head_name = models.CharField(_("head of family"), max_length=120)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)  # derived from the NIK
    birth_date = models.DateField(_("birth date"))  # derived from the NIK
    address = models.CharField(_("address"), max_length=200, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    # No index of their own on desa and regency: the name-ordered indexes below lead with them and serve every
    # lookup by either; each index less is one less to maintain for every row a large import writes.
    desa = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"), db_index=False
    )
    # Copied from the village by the services: scoping by regency must not join through three regions.
    regency = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    monthly_income = models.PositiveBigIntegerField(_("monthly income (Rp)"), default=0)
    # Not indexed: nothing looks families up by it (matching is by NIK), and a large import pays for every index.
    dtks_id = models.CharField(_("DTKS/DTSEN id"), max_length=40, blank=True)
    welfare_decile = models.PositiveSmallIntegerField(_("welfare decile"), null=True, blank=True)
    decile_as_of = models.DateField(_("decile as of"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["head_name", "id"]
        indexes = [
            models.Index(fields=["regency", "head_name", "id"], name="family_regency_name"),
            models.Index(fields=["desa", "head_name"], name="family_desa_name"),
            models.Index(fields=["kk_number"], name="family_kk"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nik"], name="family_nik_unique"),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="family_household_positive"),
            models.CheckConstraint(
                condition=Q(welfare_decile__isnull=True) | Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="family_decile_1_10",
            ),
            models.CheckConstraint(
                condition=Q(welfare_decile__isnull=True) | Q(decile_as_of__isnull=False),
                name="family_decile_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.head_name

    @property
    def nik_masked(self) -> str:
        return mask_number(self.nik)

    @property
    def kk_masked(self) -> str:
        return mask_number(self.kk_number)


class FamilyTallyQuerySet(models.QuerySet["FamilyTally"]):
    def visible_to(self, user: Any) -> "FamilyTallyQuerySet":
        return scoped(self, user, regency="regency_code", companion=None)


class FamilyTally(models.Model):
    """How many families each regency has in each status, kept by the database's own triggers on the family
    table (migration 0005), so whatever writes families (a form, an import's COPY, a bulk update, the admin) keeps
    it right in the same transaction. A list's count reads it instead of counting a regency's families again on
    every request. PostgreSQL appends each write statement's change as rows of its own, so two writers never
    wait for one row (an import holds its rows until it commits) and a read sums them; the rows are now and
    then added up into one per key (selectors.family_count). SQLite, one writer at a time, keeps one row per key."""

    regency_code = models.CharField(max_length=13)
    status = models.CharField(max_length=10)
    families = models.BigIntegerField()

    objects = FamilyTallyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["regency_code", "status"], name="family_tally_key")]

    def __str__(self) -> str:
        return f"{self.regency_code} {self.status}: {self.families:+d}"


class Scheme(models.Model):
    """A programme's rules for its KUBE, e.g. a province that allows only 5-10 members."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    min_members = models.PositiveSmallIntegerField(_("minimum members"), default=5)
    max_members = models.PositiveSmallIntegerField(_("maximum members"), default=20)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_members__gte=5, max_members__lte=20, min_members__lte=models.F("max_members")),
                name="scheme_range_within_5_20",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_members}-{self.max_members})"


class GroupQuerySet(models.QuerySet["Group"]):
    def visible_to(self, user: Any) -> "GroupQuerySet":
        return scoped(self, user, regency="regency_id", companion=lambda: Q(pk__in=assigned_group_ids(user)))


class Group(models.Model):
    """A KUBE (Kelompok Usaha Bersama)."""

    class Status(models.TextChoices):
        FORMING = "forming", _("forming")
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        GRADUATED = "graduated", _("graduated (mandiri)")

    class Sector(models.TextChoices):
        LIVESTOCK = "livestock", _("livestock")
        AGRICULTURE = "agriculture", _("agriculture")
        FISHERIES = "fisheries", _("fisheries")
        FOOD = "food", _("food stall / catering")
        TRADE = "trade", _("small trade / kiosk")
        CRAFTS = "crafts", _("crafts")
        PROCESSING = "processing", _("food processing / home industry")
        SERVICES = "services", _("services (tailoring, repair)")
        OTHER = "other", _("other")

    code = models.CharField(_("KUBE code"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    desa = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", editable=False)
    sector = models.CharField(_("business sector"), max_length=12, choices=Sector.choices)
    sector_other = models.CharField(_("other sector"), max_length=80, blank=True)
    founded_on = models.DateField(_("founding date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FORMING)
    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("scheme"))
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=120, blank=True)
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    status_reason = models.CharField(_("reason for status"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("KUBE")
        verbose_name_plural = _("KUBE")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["regency", "name", "id"], name="group_regency_name"),
            models.Index(fields=["name", "id"], name="group_name"),  # the province's list, by name
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(sector="other") | ~Q(sector_other=""), name="group_other_sector_named")
        ]

    def __str__(self) -> str:
        return self.name

    def member_range(self) -> tuple[int, int]:
        if self.scheme_id and self.scheme:
            return self.scheme.min_members, self.scheme.max_members
        return settings.PENDAMPING["KUBE_MIN_MEMBERS"], settings.PENDAMPING["KUBE_MAX_MEMBERS"]

    def sector_label(self) -> str:
        return self.sector_other if self.sector == self.Sector.OTHER else str(self.get_sector_display())


class BoardRole(models.TextChoices):
    KETUA = "ketua", _("chair (ketua)")
    SEKRETARIS = "sekretaris", _("secretary (sekretaris)")
    BENDAHARA = "bendahara", _("treasurer (bendahara)")
    ANGGOTA = "anggota", _("member (anggota)")


BOARD = (BoardRole.KETUA, BoardRole.SEKRETARIS, BoardRole.BENDAHARA)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: Any) -> "MembershipQuerySet":
        return scoped(self, user, regency="group__regency_id", companion=lambda: Q(group__in=assigned_group_ids(user)))

    def current(self) -> "MembershipQuerySet":
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("board role"), max_length=10, choices=BoardRole.choices, default=BoardRole.ANGGOTA)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "left_on", "role", "family__head_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(left_on__isnull=True), name="membership_one_current_kube"
            ),
            models.UniqueConstraint(
                fields=["group", "role"],
                condition=Q(left_on__isnull=True) & ~Q(role="anggota"),
                name="membership_one_per_board_role",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} — {self.group} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class GrantQuerySet(models.QuerySet["Grant"]):
    def visible_to(self, user: Any) -> "GrantQuerySet":
        return scoped(self, user, regency="group__regency_id", companion=lambda: Q(group__in=assigned_group_ids(user)))


class Grant(models.Model):
    """A bantuan stimulan UEP: paid to the group's account, owned by the group."""

    class Source(models.TextChoices):
        APBN = "apbn", _("APBN (national budget)")
        DEKON = "dekon", _("Dekonsentrasi")
        APBD_PROV = "apbd_prov", _("APBD provinsi")
        APBD_KAB = "apbd_kab", _("APBD kabupaten/kota")

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="grants", verbose_name=_("KUBE"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    source = models.CharField(_("funding source"), max_length=10, choices=Source.choices)
    year = models.PositiveSmallIntegerField(_("budget year"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="grant_year_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.year} Rp {self.amount:,}".replace(",", ".")


class TrancheQuerySet(models.QuerySet["Tranche"]):
    def visible_to(self, user: Any) -> "TrancheQuerySet":
        return scoped(
            self,
            user,
            regency="grant__group__regency_id",
            companion=lambda: Q(grant__group__in=assigned_group_ids(user)),
        )


class Tranche(models.Model):
    """A disbursement of a grant: entered by one person, approved by another (never the same)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    disbursed_on = models.DateField(_("disbursed on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = TrancheQuerySet.as_manager()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grant", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="tranche_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            # Four eyes: whoever entered a tranche cannot be the one who approves it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | Q(entered_by__isnull=True) | ~Q(approved_by=F("entered_by")),
                name="tranche_approver_not_enterer",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", approved_at__isnull=True)
                | Q(status="approved", approved_at__isnull=False),
                name="tranche_approval_stamped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} #{self.number}"
