"""Who the demo people are: usernames, real names, ID numbers and TOTP keys, drawn from random.Random(2024).

The whole plan is drawn in one fixed order before anything touches the database, so a second run of
seed_demo computes exactly the same people and finds them already there.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from zhicheng.accounts.models import Role

from .cases import CASES, DemoCase
from .identifiers import resident_id
from .organisations import ORGANISATIONS

SEED = 2024
DEMO_PASSWORD = "Zhicheng-2024!"

_SURNAMES = (
    "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
    "汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
_GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林东亮成峰建文博志"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲燕红梅琳雪婷颖慧莉倩佳欣悦璐晶瑶洁萍岚"
_GANSU_AREAS = ("620121", "620122", "620102", "620103", "620502", "621102", "620402", "622921")


@dataclass(frozen=True)
class Person:
    """A demo account: its log-in, real-name data, organisation and roles (and TOTP key for staff)."""

    username: str
    real_name: str
    id_number: str
    phone: str
    organisation: str  # OrgSpec.key
    roles: tuple[str, ...]
    totp_key_hex: str = ""
    case: DemoCase | None = None
    extra: tuple[tuple[str, str], ...] = ()  # further (organisation key, role) memberships


# Platform and office people beyond each organisation's admin, clerk and leader
_PLATFORM = (
    ("sysadmin", "zgb", (Role.SYSTEM_ADMIN,)),
    ("secadmin", "zgb", (Role.SECURITY_ADMIN,)),
    ("auditadmin", "zgb", (Role.AUDIT_ADMIN,)),
    ("jijian", "zgb", (Role.DISCIPLINE_OBSERVER,)),
    ("zgb_staff", "zgb", (Role.OFFICE_STAFF,)),
    ("zgb_staff2", "zgb", (Role.OFFICE_STAFF,)),
    ("pwh_gc_sec", "pwh_gc", (Role.COMMITTEE_SECRETARY,)),
    ("pwh_js_sec", "pwh_js", (Role.COMMITTEE_SECRETARY,)),
    *((f"expert{n:02d}", "pwh_gc" if n <= 4 else "pwh_js", (Role.EXPERT,)) for n in range(1, 9)),
)
# A person with several roles, to show the role switcher: a school's review leader who is also an expert
_EXTRA_ROLES = {"yizhong_leader": (("pwh_js", Role.EXPERT),)}
_STAFF_SUFFIXES = (("admin", Role.ORG_ADMIN), ("clerk", Role.REVIEW_CLERK), ("leader", Role.REVIEW_LEADER))


class _Drawer:
    """Draws unique names and ID numbers from one random.Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def name(self, male: bool) -> str:
        pool = _GIVEN_MALE if male else _GIVEN_FEMALE
        while True:
            given = self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.6 else "")
            name = self.rng.choice(_SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def id_number(self, area: str, birth: dt.date, male: bool) -> str:
        while True:
            number = resident_id(area, birth, self.rng.randrange(500), male=male)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def totp_key(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"


def _staff_person(draw: _Drawer, username: str, org: str, roles: tuple[str, ...]) -> Person:
    male = draw.rng.random() < 0.55
    birth = dt.date(draw.rng.randrange(1968, 1996), draw.rng.randrange(1, 13), draw.rng.randrange(1, 29))
    return Person(
        username=username, real_name=draw.name(male),
        id_number=draw.id_number(draw.rng.choice(_GANSU_AREAS), birth, male), phone=draw.phone(),
        organisation=org, roles=roles, totp_key_hex=draw.totp_key(), extra=_EXTRA_ROLES.get(username, ()),
    )


def demo_people() -> list[Person]:
    """Every demo account, always the same: staff of each organisation, platform people, then applicants."""
    # reproducible on purpose: the printed demo log-ins and TOTP secrets must be the same on every machine
    draw = _Drawer(random.Random(SEED))  # noqa: S311
    people = [
        _staff_person(draw, f"{spec.key}_{suffix}", spec.key, (role,))
        for spec in ORGANISATIONS if spec.handles_dossiers
        for suffix, role in _STAFF_SUFFIXES
    ]
    people += [_staff_person(draw, username, org, roles) for username, org, roles in _PLATFORM]
    for n, case in enumerate(CASES, start=1):
        people.append(Person(
            username=f"sq{n:02d}", real_name=draw.name(case.male),
            id_number=draw.id_number(case.id_area, case.birth, case.male), phone=draw.phone(),
            organisation=case.unit, roles=(Role.APPLICANT,), case=case,
        ))
    return people
