"""A few notices on the office's board (§四(一) 发布信息通知, §五(二) 申报人操作手册): the 2024 notice itself, the
system manuals and a form, each with a generated PDF; published by the office's staff with the clock replayed to
the policy-publicity days. Running it again adds nothing."""

from __future__ import annotations

import datetime as dt

from zhicheng.accounts.models import User
from zhicheng.noticeboard.models import Notice
from zhicheng.noticeboard.services import notice_publish

from . import evidence_files as ef
from .dossiers import replayed_clock
from .organisations import OFFICE

_TZ = dt.timezone(dt.timedelta(hours=8))
NOTICES = [  # (when, category, title, body, attachment name, its title, its lines)
    (dt.datetime(2024, 9, 2, 9, 30, tzinfo=_TZ), "policy", "关于做好 2024 年度职称评审工作的通知",
     "新区各部门、各单位：现将《关于做好 2024 年度职称评审工作的通知》（新组通〔2024〕23号）印发给你们，"
     "请认真贯彻落实。"
     "个人申报时间为 2024 年 9 月 10 日 0 时至 10 月 10 日 24 时，单位推荐截止时间为 10 月 20 日 24 时。",
     "新组通〔2024〕23号.pdf", "Notice on the 2024 professional title evaluation",
     ["Xin Zu Tong (2024) No. 23", "Application: 2024-09-10 to 2024-10-10 24:00", "Unit recommendation: 10-20 24:00"]),
    (dt.datetime(2024, 9, 5, 15, 0, tzinfo=_TZ), "manual", "职称申报评审系统申报人操作手册",
     "申报人登录、填写申报信息、上传佐证材料、签署诚信承诺书和提交的操作说明。",
     "申报人操作手册.pdf", "Applicant's manual", ["Log in", "Fill in the sections", "Upload evidence", "Sign, submit"]),
    (dt.datetime(2024, 9, 5, 15, 10, tzinfo=_TZ), "manual", "职称申报评审系统单位审核操作手册",
     "用人单位审核、退回、公示、推荐报送的操作说明；破格晋升、基层有效人员须先登记职工大会集体评议。",
     "单位审核操作手册.pdf", "Unit reviewer's manual", ["Review", "Return", "Publicity", "Recommend, hand over"]),
    (dt.datetime(2024, 9, 6, 10, 0, tzinfo=_TZ), "form", "外省专业技术人员职称评审委托函（附件 2）",
     "中央在甘单位人员或外省企事业单位在甘分支机构人员申报时使用。", "委托函.pdf", "Letter of entrustment (annex 2)",
     ["Entrusting office", "Applicant", "Series and level", "Seal"]),
]


def demo_notices_seed() -> int:
    """Publish the demo notices once (as the office's first staff member); return how many were added."""
    if Notice.objects.exists():
        return 0
    staff = User.objects.get(username=f"{OFFICE.key}_staff")
    office = staff.memberships.get(organisation__kind="office").organisation
    for n, (when, category, title, body, name, file_title, lines) in enumerate(NOTICES):
        with replayed_clock(when):
            notice_publish(actor=staff, office=office, title=title, category=category, body=body,
                           uploads=[ef.scan_pdf(name, file_title, lines, 9000 + n).upload()])
    return len(NOTICES)
