"""The national basic conditions (education + years at the level below) for every series and level with a title.

R-CONDITIONS said "条件未配置" for every series but 工程 and 中小学教师 (issue 14 item 7). These rows follow the
national title-reform guidance of each series, named in `source`; the common pattern of the series guidance
(员级: 中专/大专; 助理级: 硕士 directly, 本科 after a year's work, 大专/中专 + 2 years at 员级; 中级: 博士
directly, 硕士 + 2, 本科/大专 + 4 years at 助理级; 副高级: 博士 + 2, 硕士/本科 + 5 years at 中级; 正高级: 本科
+ 5 years at 副高级) is used where a series has no different rule; 中小学教师 and 卫生技术 have their own.
A requirement the machine cannot check (a year of work, the probation, a practising licence) is a note for the
unit, not a refusal. Only (series, level) pairs without any row are filled, so an office's own rows are kept;
rows seeded by 0002 get their source named. The data is inline so this migration never changes with the code.
"""

from django.db import migrations

ENGINEERING = "《关于深化工程技术人才职称制度改革的指导意见》（人社部发〔2019〕16号）"
TEACHERS = "《关于深化中小学教师职称制度改革的指导意见》（人社部发〔2015〕79号）"
HEALTH = "《关于深化卫生专业技术人员职称制度改革的指导意见》（人社部发〔2021〕51号）"

# the series' own national guidance (人力资源社会保障部 with the sector's ministry)
SOURCES = {
    "高校教师": "《关于深化高等学校教师职称制度改革的指导意见》",
    "科学研究": "《关于深化自然科学研究人员职称制度改革的指导意见》",
    "哲学社会科学研究": "《关于深化哲学社会科学研究人员职称制度改革的指导意见》",
    "卫生技术（医）": HEALTH,
    "卫生技术（护）": HEALTH,
    "工程": ENGINEERING,
    "农业": "《关于深化农业技术人员职称制度改革的指导意见》",
    "经济": "《关于深化经济专业人员职称制度改革的指导意见》",
    "会计": "《关于深化会计人员职称制度改革的指导意见》",
    "统计": "《关于深化统计专业人员职称制度改革的指导意见》",
    "审计": "《关于深化审计专业人员职称制度改革的指导意见》",
    "中小学教师": TEACHERS,
    "中等职业学校教师": "《关于深化中等职业学校教师职称制度改革的指导意见》",
    "技工院校教师": "《关于深化技工院校教师职称制度改革的指导意见》",
    "实验技术": "《关于深化实验技术人才职称制度改革的指导意见》",
    "图书资料": "《关于深化图书资料专业人员职称制度改革的指导意见》",
    "档案": "《关于深化档案专业人员职称制度改革的指导意见》",
    "文物博物": "《关于深化文物博物专业人员职称制度改革的指导意见》",
    "工艺美术": "《关于深化工艺美术专业人员职称制度改革的指导意见》",
    "体育": "《关于深化体育专业人员职称制度改革的指导意见》",
    "新闻": "《关于深化新闻系列职称制度改革的指导意见》",
    "出版": "《关于深化出版专业技术人员职称制度改革的指导意见》",
    "播音主持": "《关于深化播音主持专业人员职称制度改革的指导意见》",
    "翻译": "《关于深化翻译专业人员职称制度改革的指导意见》",
    "公证员": "《关于深化公证员职称制度改革的指导意见》",
    "律师": "《关于深化律师职称制度改革的指导意见》",
    "民用航空飞行技术": "《关于深化民用航空飞行技术人员职称制度改革的指导意见》",
}

WORK_1 = "另须从事本专业技术工作满 1 年（由单位核实）"
WORK_3 = "本系列无员级职称：另须从事本专业技术工作满 3 年（由单位核实）"
PROBATION = "见习 1 年期满并考核合格（由单位核实）"
LICENCE = "须取得相应执业资格（由单位核实）"

# level rank, education, years at the level below, scope, note
GENERIC = [
    (1, "college", 0, "", ""),
    (1, "secondary_vocational", 0, "", WORK_1),
    (2, "master", 0, "", ""),
    (2, "second_bachelor", 0, "", ""),
    (2, "bachelor", 0, "", WORK_1),
    (2, "college", 2, "", ""),
    (2, "secondary_vocational", 2, "", ""),
    (3, "doctor", 0, "", ""),
    (3, "master", 2, "", ""),
    (3, "second_bachelor", 2, "", ""),
    (3, "bachelor", 4, "", ""),
    (3, "college", 4, "", ""),
    (4, "doctor", 2, "", ""),
    (4, "master", 5, "", ""),
    (4, "second_bachelor", 5, "", ""),
    (4, "bachelor", 5, "", ""),
    (5, "bachelor", 5, "", ""),
]

TEACHER_ROWS = [
    (1, "college", 0, "", PROBATION),
    (1, "secondary_normal", 0, "小学和幼儿园", PROBATION),
    (2, "master", 0, "", ""),
    (2, "bachelor", 0, "", PROBATION),
    (2, "college", 2, "小学和幼儿园", ""),
    (2, "secondary_normal", 3, "小学和幼儿园", ""),
    (5, "bachelor", 5, "", ""),
]

HEALTH_ROWS = [
    (1, "college", 0, "", LICENCE),
    (1, "secondary_vocational", 0, "", LICENCE),
    (2, "master", 0, "", LICENCE),
    (2, "bachelor", 0, "", WORK_1),
    (2, "college", 3, "", ""),
    (2, "secondary_vocational", 5, "", ""),
    (3, "doctor", 0, "", ""),
    (3, "master", 2, "", ""),
    (3, "bachelor", 4, "", ""),
    (3, "college", 6, "", ""),
    (3, "secondary_vocational", 7, "", ""),
    (4, "doctor", 2, "", ""),
    (4, "bachelor", 5, "", ""),
    (4, "college", 7, "", ""),
    (5, "bachelor", 5, "", ""),
]

FAMILY = {"中小学教师": TEACHER_ROWS, "卫生技术（医）": HEALTH_ROWS, "卫生技术（护）": HEALTH_ROWS}


def _rows_for(series_name, ranks_with_title):
    """The family's rows for the levels the series has; a years row whose level below is missing becomes a note."""
    out = []
    for rank, education, years, scope, note in FAMILY.get(series_name, GENERIC):
        if rank not in ranks_with_title:
            continue
        if years and rank - 1 not in ranks_with_title:
            if education != "college":
                continue  # 中专 + years at 员级 in a series without 员级: no such route
            years, note = 0, WORK_3
        out.append((rank, education, years, scope, note))
    return out


def seed(apps, schema_editor):
    Series = apps.get_model("catalog", "Series")
    TitleName = apps.get_model("catalog", "TitleName")
    Condition = apps.get_model("catalog", "Condition")
    for series in Series.objects.order_by("code"):
        source = SOURCES.get(series.name, "")
        Condition.objects.filter(series=series, source="").update(source=source)
        titles = {t.level.rank: t for t in TitleName.objects.filter(series=series).select_related("level")}
        filled = set(Condition.objects.filter(series=series).values_list("level__rank", flat=True))
        for position, (rank, education, years, scope, note) in enumerate(_rows_for(series.name, set(titles))):
            if rank in filled:
                continue
            Condition.objects.create(
                series=series, level=titles[rank].level, education=education, min_years=years,
                below_title=titles[rank - 1] if years else None, scope=scope, note=note, source=source,
                position=100 + position,
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_condition_source")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
