"""What can be applied for: levels, series, title names and codes, specialties, conditions, 破格 waivers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhicheng.core.models import TimeStampedModel

from .rules import Problem, condition_problems, problems_as_validation_error

two_digit_code = RegexValidator(r"^\d{2}$", _("代码须为两位数字，例如 05"))


class Level(models.Model):
    """One of the five title levels; a higher rank is more senior (正高级 = 5)."""

    code = models.CharField(_("级别代码"), max_length=2, unique=True, validators=[two_digit_code])
    name = models.CharField(_("级别"), max_length=20, unique=True)
    rank = models.PositiveSmallIntegerField(_("等级序号"), unique=True)

    class Meta:
        verbose_name = _("级别")
        verbose_name_plural = _("级别")
        ordering = ["-rank"]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """A title series (系列); R-SKILL says whether skilled workers may apply in it."""

    code = models.CharField(_("系列代码"), max_length=2, unique=True, validators=[two_digit_code])
    name = models.CharField(_("系列"), max_length=40, unique=True)
    skilled_workers_may_apply = models.BooleanField(_("高技能人才可申报"), default=False)

    class Meta:
        verbose_name = _("系列")
        verbose_name_plural = _("系列")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TitleName(models.Model):
    """The title of a series at a level, e.g. 0502 高级工程师; the code is series code + level code."""

    series = models.ForeignKey(Series, verbose_name=_("系列"), on_delete=models.PROTECT, related_name="titles")
    level = models.ForeignKey(Level, verbose_name=_("级别"), on_delete=models.PROTECT, related_name="titles")
    name = models.CharField(_("职称名称"), max_length=40)
    code = models.CharField(_("职称代码"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("职称名称")
        verbose_name_plural = _("职称名称")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["series", "level"], name="titlename_unique_series_level")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.series_id and self.level_id and self.code != self.series.code + self.level.code:
            raise ValidationError({"code": _("职称代码须为系列代码加级别代码")})


class Specialty(models.Model):
    """A specialty (专业) inside a series."""

    series = models.ForeignKey(Series, verbose_name=_("系列"), on_delete=models.PROTECT, related_name="specialties")
    name = models.CharField(_("专业"), max_length=60)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("专业")
        verbose_name_plural = _("专业")
        ordering = ["series__code", "id"]
        constraints = [models.UniqueConstraint(fields=["series", "name"], name="specialty_unique_series_name")]

    def __str__(self) -> str:
        return self.name


class Education(models.TextChoices):
    DOCTOR = "doctor", _("博士")
    MASTER = "master", _("硕士")
    SECOND_BACHELOR = "second_bachelor", _("第二学士")
    BACHELOR = "bachelor", _("本科")
    COLLEGE = "college", _("大专")
    SECONDARY_NORMAL = "secondary_normal", _("中师")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中专")


class Condition(TimeStampedModel):
    """One alternative way to qualify for a series/level: an education plus years at the level below."""

    series = models.ForeignKey(Series, verbose_name=_("系列"), on_delete=models.PROTECT, related_name="conditions")
    level = models.ForeignKey(Level, verbose_name=_("级别"), on_delete=models.PROTECT, related_name="conditions")
    education = models.CharField(_("学历"), max_length=30, choices=Education.choices)
    min_years = models.PositiveSmallIntegerField(_("下一级任职年限（年）"), default=0)
    below_title = models.ForeignKey(
        TitleName, verbose_name=_("下一级职称"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("适用范围"), max_length=60, blank=True, help_text=_("例如：小学和初中"))
    note = models.TextField(_("备注"), blank=True)
    source = models.CharField(_("依据文件"), max_length=200, blank=True,
                              help_text=_("例如：《关于深化工程技术人才职称制度改革的指导意见》"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")
        ordering = ["series__code", "-level__rank", "position", "id"]

    def __str__(self) -> str:
        return f"{self.series} {self.level} · {self.get_education_display()} + {self.min_years}"

    def problems(self) -> list[Problem]:
        """What is wrong with this row (empty when it is consistent)."""
        if not (self.series_id and self.level_id):
            return []
        return condition_problems(
            series_name=self.series.name,
            level_name=self.level.name,
            level_has_title=TitleName.objects.filter(series_id=self.series_id, level_id=self.level_id).exists(),
            min_years=self.min_years or 0,
            below_title_series_name=self.below_title.series.name if self.below_title_id else None,
            below_title_level_rank=self.below_title.level.rank if self.below_title_id else None,
            level_rank=self.level.rank,
        )

    def clean(self) -> None:
        problems = self.problems()
        if problems:
            raise problems_as_validation_error(problems)


class WaiverAchievement(TimeStampedModel):
    """An outstanding achievement that lets a 破格 applicant skip the education/years condition."""

    name = models.CharField(_("业绩条件"), max_length=200)
    series = models.ForeignKey(
        Series, verbose_name=_("系列（空 = 所有系列）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="waivers",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("破格条件")
        verbose_name_plural = _("破格条件")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
