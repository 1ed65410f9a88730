"""Title names for the series 0002 seeded without titles, from the national title-reform documents of each series.

Without them nobody could apply in these series. 艺术 and 船舶 are left out: their titles depend on the
specialty (一级演员 / 一级编剧 …; 船长 / 轮机长 …); the office adds them in the catalog pages.
"""

from django.db import migrations

# series, titles from 正高级 down to 员级 (None: no title at that level)
TITLES = [
    ("哲学社会科学研究", ["研究员", "副研究员", "助理研究员", "研究实习员", None]),
    ("统计", ["正高级统计师", "高级统计师", "统计师", "助理统计师", "统计员"]),
    ("审计", ["正高级审计师", "高级审计师", "审计师", "助理审计师", "审计员"]),
    ("中等职业学校教师", ["正高级讲师", "高级讲师", "讲师", "助理讲师", None]),
    ("实验技术", ["正高级实验师", "高级实验师", "实验师", "助理实验师", "实验员"]),
    ("文物博物", ["研究馆员", "副研究馆员", "馆员", "助理馆员", None]),
    ("体育", ["国家级教练", "高级教练", "中级教练", "初级教练", None]),
    ("新闻", ["高级记者", "主任记者", "记者", "助理记者", None]),
    ("出版", ["编审", "副编审", "编辑", "助理编辑", None]),
    ("播音主持", ["播音指导", "主任播音员主持人", "一级播音员主持人", "二级播音员主持人", "三级播音员主持人"]),
    ("翻译", ["译审", "一级翻译", "二级翻译", "三级翻译", None]),
    ("公证员", ["一级公证员", "二级公证员", "三级公证员", "四级公证员", None]),
    ("律师", ["一级律师", "二级律师", "三级律师", "四级律师", None]),
    ("民用航空飞行技术", ["正高级飞行员", "一级飞行员", "二级飞行员", "三级飞行员", None]),
]


def seed(apps, schema_editor):
    Level = apps.get_model("catalog", "Level")
    Series = apps.get_model("catalog", "Series")
    TitleName = apps.get_model("catalog", "TitleName")
    levels = list(Level.objects.order_by("-rank"))
    for series_name, titles in TITLES:
        series = Series.objects.filter(name=series_name).first()
        if series is None:
            continue
        for level, title in zip(levels, titles, strict=True):
            if title and not TitleName.objects.filter(series=series, level=level).exists():
                TitleName.objects.create(series=series, level=level, name=title, code=series.code + level.code)


def unseed(apps, schema_editor):
    TitleName = apps.get_model("catalog", "TitleName")
    names = {title for _, titles in TITLES for title in titles if title}
    TitleName.objects.filter(series__name__in=[s for s, _ in TITLES], name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_seed_catalog")]

    operations = [migrations.RunPython(seed, unseed)]
