"""Seed the catalog from rules-facts.md: levels, every listed series with its titles, 工程's specialties
(notice §三(一)), the conditions for 工程 工程师/高级工程师 and 中小学教师 一级/高级, and the 破格 examples.

Series codes are the district's own two-digit numbering (工程 = 05 as in the example 0502 高级工程师);
the office may change them later. The data is inline so this migration never changes with the code.
"""

from django.db import migrations

LEVELS = [("01", "正高级", 5), ("02", "副高级", 4), ("03", "中级", 3), ("04", "助理级", 2), ("05", "员级", 1)]

SKILLED = {"工程", "农业", "工艺美术", "文物博物", "实验技术", "艺术", "体育", "技工院校教师"}

LIBRARY = ["研究馆员", "副研究馆员", "馆员", "助理馆员", "管理员"]

# code, series, titles from 正高级 down to 员级 (None: the series has no title at that level)
SERIES = [
    ("01", "高校教师", ["教授", "副教授", "讲师", "助教", None]),
    ("02", "科学研究", ["研究员", "副研究员", "助理研究员", "研究实习员", None]),
    ("03", "哲学社会科学研究", None),
    ("04", "卫生技术（医）", ["主任医师", "副主任医师", "主治医师", "医师", "医士"]),
    ("05", "工程", ["正高级工程师", "高级工程师", "工程师", "助理工程师", "技术员"]),
    ("06", "农业", ["正高级农艺师", "高级农艺师", "农艺师", "助理农艺师", "农业技术员"]),
    ("07", "经济", ["正高级经济师", "高级经济师", "经济师", "助理经济师", None]),
    ("08", "会计", ["正高级会计师", "高级会计师", "会计师", "助理会计师", "会计员"]),
    ("09", "统计", None),
    ("10", "审计", None),
    ("11", "中小学教师", ["正高级教师", "高级教师", "一级教师", "二级教师", "三级教师"]),
    ("12", "中等职业学校教师", None),
    ("13", "技工院校教师", ["正高级讲师", "高级讲师", "讲师", "助理讲师", None]),
    ("14", "实验技术", None),
    ("15", "图书资料", LIBRARY),
    ("16", "档案", LIBRARY),
    ("17", "文物博物", None),
    ("18", "工艺美术", ["正高级工艺美术师", "高级工艺美术师", "工艺美术师", "助理工艺美术师", "工艺美术员"]),
    ("19", "艺术", None),
    ("20", "体育", None),
    ("21", "新闻", None),
    ("22", "出版", None),
    ("23", "播音主持", None),
    ("24", "翻译", None),
    ("25", "公证员", None),
    ("26", "律师", None),
    ("27", "船舶", None),
    ("28", "民用航空飞行技术", None),
    ("29", "卫生技术（护）", ["主任护师", "副主任护师", "主管护师", "护师", "护士"]),
]

ENGINEERING_SPECIALTIES = [
    "交通运输", "质量监督", "建设", "农口工程", "水利", "地质勘查测绘采矿土地", "生态环境", "食品药品", "快递",
]

URBAN_NOTE = "城镇教师一般还须有 1 年以上农村或薄弱学校任教经历（可配置）"

# series, level, education, years at the level below, scope, note (rules-facts.md, national basic standards)
CONDITIONS = [
    ("工程", "中级", "doctor", 0, "", ""),
    ("工程", "中级", "master", 2, "", ""),
    ("工程", "中级", "second_bachelor", 2, "", ""),
    ("工程", "中级", "bachelor", 4, "", ""),
    ("工程", "中级", "college", 4, "", ""),
    ("工程", "副高级", "doctor", 2, "", ""),
    ("工程", "副高级", "master", 5, "", ""),
    ("工程", "副高级", "second_bachelor", 5, "", ""),
    ("工程", "副高级", "bachelor", 5, "", ""),
    ("中小学教师", "中级", "doctor", 0, "", ""),
    ("中小学教师", "中级", "master", 2, "", ""),
    ("中小学教师", "中级", "bachelor", 4, "", ""),
    ("中小学教师", "中级", "college", 4, "小学和初中", ""),
    ("中小学教师", "中级", "secondary_normal", 5, "小学", ""),
    ("中小学教师", "副高级", "doctor", 2, "", URBAN_NOTE),
    ("中小学教师", "副高级", "master", 5, "", URBAN_NOTE),
    ("中小学教师", "副高级", "bachelor", 5, "", URBAN_NOTE),
    ("中小学教师", "副高级", "college", 5, "小学和初中", URBAN_NOTE),
]

WAIVERS = [
    "获省部级科学技术奖二等奖及以上（示例，可配置）",
    "主持完成省级及以上科研或工程项目（示例，可配置）",
]


def seed(apps, schema_editor):
    Level = apps.get_model("catalog", "Level")
    Series = apps.get_model("catalog", "Series")
    TitleName = apps.get_model("catalog", "TitleName")
    Specialty = apps.get_model("catalog", "Specialty")
    Condition = apps.get_model("catalog", "Condition")
    WaiverAchievement = apps.get_model("catalog", "WaiverAchievement")

    levels = [Level.objects.create(code=c, name=n, rank=r) for c, n, r in LEVELS]
    series_by_name = {}
    for code, name, titles in SERIES:
        series = Series.objects.create(code=code, name=name, skilled_workers_may_apply=name in SKILLED)
        series_by_name[name] = series
        for level, title in zip(levels, titles or [], strict=False):
            if title:
                TitleName.objects.create(series=series, level=level, name=title, code=code + level.code)
    for name in ENGINEERING_SPECIALTIES:
        Specialty.objects.create(series=series_by_name["工程"], name=name)
    level_by_name = {lv.name: lv for lv in levels}
    for position, (series_name, level_name, education, years, scope, note) in enumerate(CONDITIONS):
        series, level = series_by_name[series_name], level_by_name[level_name]
        below = TitleName.objects.get(series=series, level__rank=level.rank - 1) if years else None
        Condition.objects.create(
            series=series, level=level, education=education, min_years=years, below_title=below,
            scope=scope, note=note, position=position,
        )
    for position, name in enumerate(WAIVERS):
        WaiverAchievement.objects.create(name=name, position=position)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
