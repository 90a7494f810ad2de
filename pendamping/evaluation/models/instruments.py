"""Questionnaires: an instrument version has aspects, an aspect has items, an item has answer options.

An instrument version is frozen once a response uses it (`locked_at`): a change then needs a new version,
so every stored answer keeps meaning what it meant when it was given."""

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from pendamping.evaluation.models._scope import is_admin

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", _("Use letters, digits, '.', '_' and '-' only (no spaces).")
)


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def visible_to(self, user: Any) -> "InstrumentQuerySet":
        """Admins see every instrument; others the instruments of the studies they see."""
        from pendamping.evaluation.models.studies import Study

        if is_admin(user):
            return self
        return self.filter(Exists(Study.objects.visible_to(user).filter(instrument_id=OuterRef("pk"))))


class Instrument(models.Model):
    class Language(models.TextChoices):
        ID = "id", _("Indonesian")
        EN = "en", _("English")

    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ID)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    locked_at = models.DateTimeField(_("locked since"), null=True, blank=True, editable=False)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="instrument_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code} v{self.version})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class AspectQuerySet(models.QuerySet["Aspect"]):
    def visible_to(self, user: Any) -> "AspectQuerySet":
        return self.filter(instrument__in=Instrument.objects.visible_to(user))


class Aspect(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="aspects")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)

    objects = AspectQuerySet.as_manager()

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["instrument", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="aspect_code_per_instrument"),
            models.UniqueConstraint(fields=["instrument", "order"], name="aspect_order_per_instrument"),
        ]

    def __str__(self) -> str:
        return self.title


class ItemQuerySet(models.QuerySet["Item"]):
    def visible_to(self, user: Any) -> "ItemQuerySet":
        return self.filter(instrument__in=Instrument.objects.visible_to(user))


class Item(models.Model):
    """One question. `instrument` repeats the aspect's, so an item code is unique in its instrument."""

    class Kind(models.TextChoices):
        BINARY = "binary", _("yes/no")
        CATEGORICAL = "categorical", _("categories")
        LIKERT = "likert", _("Likert scale")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    ordered = models.BooleanField(_("ordered options"), default=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["aspect__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="item_code_per_instrument"),
            models.UniqueConstraint(fields=["aspect", "order"], name="item_order_per_aspect"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class OptionQuerySet(models.QuerySet["Option"]):
    def visible_to(self, user: Any) -> "OptionQuerySet":
        return self.filter(item__instrument__in=Instrument.objects.visible_to(user))


class Option(models.Model):
    """An answer option; `favourable` marks answers that count in the item's favour, `score` orders them."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    label = models.CharField(_("label"), max_length=200)
    favourable = models.BooleanField(_("favourable"), default=False)
    score = models.FloatField(_("score"), null=True, blank=True)

    objects = OptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["item", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="option_code_per_item"),
            models.UniqueConstraint(fields=["item", "order"], name="option_order_per_item"),
        ]

    def __str__(self) -> str:
        return self.label
