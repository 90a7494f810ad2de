from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_EDITION = "Kepmendagri 300.2.2-2138/2025"


class Region(models.Model):
    """A Kemendagri administrative area. The dotted code (35.78.01.1001) is the key: it is stable within an
    edition, carried by every spreadsheet the office has, and its first digits match the NIK."""

    class Level(models.TextChoices):
        PROVINCE = "provinsi", _("province")
        REGENCY = "kabupaten_kota", _("regency/city")
        DISTRICT = "kecamatan", _("district (kecamatan)")
        VILLAGE = "desa_kelurahan", _("village (desa/kelurahan)")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    edition = models.CharField(_("Kepmendagri edition"), max_length=60, default=DEFAULT_EDITION)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="provinsi", parent__isnull=True)
                | (~models.Q(level="provinsi") & models.Q(parent__isnull=False)),
                name="region_parent_unless_province",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_prefix(self) -> str:
        """The digits a NIK starts with for people first registered here (kecamatan level and above)."""
        return self.code.replace(".", "")[:6]

    @property
    def regency_code(self) -> str:
        return self.code[:5]

    @property
    def is_kelurahan(self) -> bool:
        return self.level == self.Level.VILLAGE and self.code.split(".")[-1].startswith("1")
