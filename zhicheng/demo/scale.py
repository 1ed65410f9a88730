"""A national-scale data set for benchmarks (`manage.py seed_scale --dossiers N`): rows written in bulk, not
through the services, shaped the way the services would have left them.

What it writes, for a campaign whose submission window is open now (the packaged 2024 campaign shifted in time):
an office with review departments, units under them (each with an admin, a review clerk and a review leader),
one applicant per dossier (on the unit's roster), dossiers spread over every state with `held_by`/`held_since`
as `dossier_transition` keeps them (dossiers/holders.py), their sections (identity, education, work, title held,
12 months of social security, papers, continuing education, assessments), an eligibility check, a pledge and a
frozen version once submitted, one `DossierStateChange` per step of the path to their state (the workflow
table's rows, then the evaluation steps the committees app will own) and the keyed audit rows of those steps.
`ready` applicants more get an eligible draft they can sign and submit (the surge benchmark logs in as them).

On PostgreSQL rows go in through COPY (psycopg 3 `cursor.copy`), elsewhere through `executemany` INSERTs in
batches; ids are allocated here and the sequences moved past them at the end. Every password is one hash of
the demo password computed once. Run it on an empty database (after migrate); it refuses when another
campaign is active.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, cast

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from zhicheng.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RosterRelation,
    StaffRosterEntry,
    UnitType,
    User,
)
from zhicheng.audit.chain import audit_hash, lane_count, lanes_ensure
from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditChain, AuditEvent
from zhicheng.campaigns.models import Campaign, CampaignStatus
from zhicheng.campaigns.services import DEFAULT_FILE, campaign_load_from_file
from zhicheng.catalog.models import Education, Level, Series
from zhicheng.dossiers import summary_sql
from zhicheng.dossiers.holders import APPLICANT, DEPARTMENT, HOLDER_LEVEL, OFFICE, UNIT
from zhicheng.dossiers.models import (
    Achievement,
    AnnualAssessment,
    ContinuingEducation,
    Dossier,
    DossierState,
    DossierStateChange,
    DossierVersion,
    EducationRecord,
    EligibilityStatus,
    IdentitySection,
    PledgeSignature,
    SocialSecurityMonth,
    TitleHeld,
    WorkHistoryEntry,
)
from zhicheng.dossiers.workflow import TRANSITIONS
from zhicheng.eligibility.models import EligibilityCheck

from .identifiers import credit_code, resident_id
from .people import DEMO_PASSWORD

S = DossierState

# How a deadline-week database looks: most dossiers still with the applicant or the unit, fewer further on
STATE_MIX: dict[str, float] = {
    S.DRAFT: 0.28, S.SUBMITTED: 0.20, S.RETURNED: 0.03, S.WITHDRAWN: 0.01, S.NOT_ACCEPTED: 0.005,
    S.UNIT_PASSED: 0.04, S.IN_PUBLICITY: 0.04, S.PUBLICITY_DONE: 0.03, S.NOT_RECOMMENDED: 0.005,
    S.RECOMMENDED: 0.08, S.DEPARTMENT_RETURNED: 0.01, S.DEPARTMENT_REJECTED: 0.005, S.DEPARTMENT_PASSED: 0.05,
    S.OFFICE_ACCEPTED: 0.04, S.OFFICE_REJECTED: 0.005, S.SCHEDULED: 0.02, S.IN_MEETING: 0.01,
    S.ENTRUSTED_SENT: 0.015, S.PASSED: 0.02, S.FAILED: 0.01, S.IN_RESULT_PUBLICITY: 0.02,
    S.RESULT_PUBLICITY_DONE: 0.01, S.RESULT_OBJECTION_UPHELD: 0.002, S.CONFERRED: 0.04, S.REVOKED: 0.001,
}

# The evaluation steps after acceptance, until the committees and certificates apps add them to the workflow table
# (name, acting level); no audit vocabulary exists for them yet, so they leave state changes only.
EVALUATION_STEPS: dict[tuple[str, str], str] = {
    (S.OFFICE_ACCEPTED, S.SCHEDULED): "meeting_schedule",
    (S.SCHEDULED, S.IN_MEETING): "meeting_start",
    (S.IN_MEETING, S.PASSED): "tally_passed",
    (S.IN_MEETING, S.FAILED): "tally_failed",
    (S.OFFICE_ACCEPTED, S.ENTRUSTED_SENT): "entrusted_send",
    (S.PASSED, S.IN_RESULT_PUBLICITY): "result_publicity_publish",
    (S.IN_RESULT_PUBLICITY, S.RESULT_PUBLICITY_DONE): "result_publicity_close",
    (S.IN_RESULT_PUBLICITY, S.RESULT_OBJECTION_UPHELD): "result_objection_upheld",
    (S.RESULT_PUBLICITY_DONE, S.CONFERRED): "confer",
    (S.CONFERRED, S.REVOKED): "revoke",
}

# Who takes each step of the workflow table (the acting person's level)
_APPLICANT_STEPS = {"submit", "withdraw", "answer_return", "answer_department_return"}

_DETOURS = ("return", "resend", "pass_back")
SURGE_USERNAME = "surge{:06d}"  # the ready applicants
BLOCKING_EVERY = 20  # one submitted dossier in 20 has a blocking finding (the queues' "有不符合项" filter)
CLERK_USERNAME = "u{}clerk"  # each unit's review clerk by the unit's id (leader: u…leader, admin: u…admin)
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # the clerks' and leaders' shared bench TOTP key (RFC 6238)


def state_paths() -> dict[str, list[tuple[str, str, str, EventType | None]]]:
    """For every state, the shortest path from a draft: (from, to, step name, audit event or None)."""
    edges: dict[str, list[tuple[str, str, EventType | None]]] = {}
    for (frm, to), row in TRANSITIONS.items():
        edges.setdefault(frm, []).append((to, row.name, row.event))
    for (frm, to), name in EVALUATION_STEPS.items():
        edges.setdefault(frm, []).append((to, name, None))
    paths: dict[str, list[tuple[str, str, str, EventType | None]]] = {S.DRAFT: []}
    # forward steps first (a recommended dossier went through publicity, not round a return), then the rest
    for allowed in (lambda name: not any(w in name for w in _DETOURS), lambda name: True):
        queue = deque(paths)
        while queue:
            state = queue.popleft()
            for to, name, event in edges.get(state, []):
                if to not in paths and allowed(name):
                    paths[to] = [*paths[state], (state, to, name, event)]
                    queue.append(to)
    missing = set(STATE_MIX) - set(paths)
    if missing:
        raise RuntimeError(f"no path to {sorted(missing)}")
    return paths


# --- the campaign --------------------------------------------------------------------------------------------------

def campaign_open_now(now: dt.datetime | None = None) -> Campaign:
    """The packaged 2024 campaign moved in time so that its submission window is open now (year: this year).

    Every date and instant moves by the same number of days, so the windows keep their order and lengths.
    Loaded again on a second run (the same year) it changes nothing; refused when another campaign is active.
    """
    now = now or timezone.now()
    content = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    values = content["campaign"]
    opens = dt.datetime.fromisoformat(values["submission_opens_at"])
    shift = dt.timedelta(days=(now - opens).days - 14)  # the window opened two weeks ago, closes in about two
    for key, value in list(values.items()):
        if not isinstance(value, str) or len(value) < 10 or value[4] != "-" or value[7] != "-":
            continue
        if "T" in value:
            values[key] = (dt.datetime.fromisoformat(value) + shift).isoformat()
        else:
            values[key] = (dt.date.fromisoformat(value) + shift).isoformat()
    year = (opens + shift).year
    values.update(year=year, name=f"{year} 年度职称评审（规模测试）", status=CampaignStatus.ACTIVE,
                  notice_number="", note="seed_scale：2024 年度通知的日程整体平移，申报窗口此刻开放。")
    values["pledge_text"] = values["pledge_text"].replace("2024", str(year))
    other = Campaign.objects.filter(status=CampaignStatus.ACTIVE).exclude(year=year).first()
    if other is not None:
        raise RuntimeError(f"another campaign is active ({other.name}); seed_scale needs a database without one")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "campaign.json"
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return campaign_load_from_file(path)


# --- writing rows in bulk ---------------------------------------------------------------------------------------

class RowWriter:
    """Rows as tuples in the order of `fields`: COPY on PostgreSQL, batched executemany INSERTs elsewhere."""

    BATCH = 5000

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.written: list[type[models.Model]] = []
        self.postgres = connection.vendor == "postgresql"
        self._next: dict[type[models.Model], int] = {}

    def next_ids(self, model: type[models.Model], n: int) -> int:
        """Reserve n ids for the model's rows; return the first."""
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        first = self._next[model]
        self._next[model] = first + n
        return first

    def _adapt(self, value: Any) -> Any:
        if self.postgres:
            return value
        if isinstance(value, dt.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    def write(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
        columns = [model._meta.get_field(name).column for name in fields]
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        n = 0
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
                batch: list[tuple] = []
                for row in rows:
                    batch.append(tuple(self._adapt(v) for v in row))
                    if len(batch) >= self.BATCH:
                        cursor.executemany(sql, batch)
                        n += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    n += len(batch)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + n
        if model not in self.written:
            self.written.append(model)
        return n

    def sequences_reset(self) -> None:
        """Move each table's id sequence past the ids written here (PostgreSQL; SQLite follows max(id))."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.written)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


# --- the plan --------------------------------------------------------------------------------------------------

@dataclass
class ScaleReport:
    dossiers: int
    ready: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class _Unit:
    pk: int
    department: int
    code: str
    name: str
    clerk: int
    leader: int
    admin: int


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文博宇轩浩然欣怡子涵雨萱梓晨"
_SCHOOLS = ("兰州大学", "兰州交通大学", "兰州理工大学", "西北师范大学", "甘肃农业大学", "西北民族大学")
_JOURNALS = (("土木工程学报", "core"), ("水利学报", "core"), ("甘肃科技", "provincial"),
             ("甘肃水利水电技术", "provincial"))
_BATCH_DOSSIERS = 20_000


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")


class _Seeder:
    def __init__(self, *, dossiers: int, ready: int, units: int | None, seed: int, out: Callable[[str], None]) -> None:
        self.n, self.ready, self.out = dossiers, ready, out
        self.started = time.perf_counter()
        self.rng = random.Random(seed)  # noqa: S311 - a reproducible data set, not security
        self.w = RowWriter()
        self.now = timezone.now()
        total = dossiers + ready
        self.unit_count = units or max(2, min(20_000, total // 60))
        self.department_count = max(1, min(400, self.unit_count // 40))
        self.password = make_password(DEMO_PASSWORD)  # once: every account shares the demo password
        self.paths = state_paths()
        self.states = list(STATE_MIX)
        self.weights = [STATE_MIX[s] for s in self.states]

    # organisations and staff ------------------------------------------------------------------------------
    def organisations(self) -> None:
        office = Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("pk").first()
        if office is None:
            office = Organisation.objects.create(name="兰州新区党工委组织部（职改办）", kind=OrganisationKind.OFFICE,
                                                 credit_code=credit_code("11", "620100", 90000001))
        self.office = office.pk
        self.office_staff = self._user_ids(1)[0]
        self.office_leader = self.office_staff + 1  # reserved together with the staff member below
        base = self.w.next_ids(Organisation, self.department_count + self.unit_count)
        tag = f"{base:07d}"
        self.departments = list(range(base, base + self.department_count))
        units: list[_Unit] = []
        first_user = self.w.next_ids(User, 3 * self.unit_count)
        for i in range(self.unit_count):
            pk = base + self.department_count + i
            u = first_user + 3 * i
            units.append(_Unit(pk=pk, department=self.departments[i % self.department_count],
                               code=credit_code("12", "620100", 50_000_000 + pk), name=f"规模测试单位{tag}-{i:05d}",
                               clerk=u, leader=u + 1, admin=u + 2))
        self.units = units
        self.unit_by_pk = {unit.pk: unit for unit in units}
        now = self.now

        def org_rows() -> Iterator[tuple]:
            for i, pk in enumerate(self.departments):
                yield (pk, f"规模测试审核部门{tag}-{i:03d}", OrganisationKind.DEPARTMENT, self.office, None, "", True,
                       False, False, False, 0, now, now, "")
            for unit in units:
                yield (unit.pk, unit.name, OrganisationKind.UNIT, unit.department, unit.code, UnitType.INSTITUTION,
                       True, False, False, True, 200, now, now, "")

        self.w.write(Organisation, ["id", "name", "kind", "parent", "credit_code", "unit_type", "in_district",
                                    "has_own_committee", "outside_branch", "has_post_management", "professional_posts",
                                    "created_at", "updated_at", "suspended_reason"], org_rows())
        staff: list[tuple[int, str, str, int, str]] = [
            (self.office_staff, f"o{self.office_staff}staff", "职改办工作人员", self.office, Role.OFFICE_STAFF),
            (self.office_leader, f"o{self.office_leader}leader", "职改办审查领导", self.office, Role.REVIEW_LEADER),
        ]
        for i, unit in enumerate(units):
            clerk = CLERK_USERNAME.format(unit.pk)
            staff += [(unit.clerk, clerk, f"经办{i}", unit.pk, Role.REVIEW_CLERK),
                      (unit.leader, clerk.replace("clerk", "leader"), f"领导{i}", unit.pk, Role.REVIEW_LEADER),
                      (unit.admin, clerk.replace("clerk", "admin"), f"管理员{i}", unit.pk, Role.ORG_ADMIN)]
        self.department_staff = {}
        dept_users = self.w.next_ids(User, 2 * len(self.departments))
        for i, pk in enumerate(self.departments):
            clerk, leader = dept_users + 2 * i, dept_users + 2 * i + 1
            self.department_staff[pk] = (clerk, leader)
            staff += [(clerk, f"d{pk}clerk", f"部门经办{i}", pk, Role.REVIEW_CLERK),
                      (leader, f"d{pk}leader", f"部门领导{i}", pk, Role.REVIEW_LEADER)]
        self.w.write(User, self.USER_FIELDS, (
            self._user_row(pk, username, real_name, person_id(pk, area=620200))
            for pk, username, real_name, _org, _role in staff
        ))
        self.w.write(Membership, ["user", "organisation", "role", "is_active", "created_at", "updated_at"],
                     ((pk, org, role, True, now, now) for pk, _u, _n, org, role in staff))
        self._totp([pk for pk, _u, _n, _o, role in staff if role != Role.ORG_ADMIN])

    def _user_ids(self, n: int) -> list[int]:
        first = self.w.next_ids(User, n + 1)
        return list(range(first, first + n + 1))

    USER_FIELDS = ["id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
                   "is_staff", "is_active", "date_joined", "real_name", "id_type", "id_number", "phone",
                   "password_must_change", "password_changed_at", "notifications_unread"]

    def _user_row(self, pk: int, username: str, real_name: str, id_number: str | None) -> tuple:
        return (pk, self.password, None, False, username, "", "", "", False, True, self.now, real_name, "resident",
                id_number, "", False, self.now, 0)

    def _totp(self, users: list[int]) -> None:
        """Staff pass a second factor: a confirmed TOTP device each, all on the bench's published key."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.w.write(TOTPDevice, ["user", "name", "confirmed", "key", "step", "t0", "digits", "tolerance", "drift",
                                  "last_t", "throttling_failure_count"],
                     ((pk, "bench", True, TOTP_KEY_HEX, 30, 0, 6, 1, 0, -1, 0) for pk in users))

    # dossiers -----------------------------------------------------------------------------------------------
    def targets(self) -> None:
        self.series = Series.objects.get(name="工程")
        self.level = Level.objects.get(name="中级")
        self.below = Level.objects.get(name="助理级")

    def dossiers(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.surge_offset = User.objects.filter(username__startswith="surge").count()
        done = 0
        total = self.n + self.ready
        while done < total:
            batch = min(_BATCH_DOSSIERS, total - done)
            with transaction.atomic(), _session_for_bulk():  # a batch a transaction: the lanes locked one batch long
                self.lanes()
                self._dossier_batch(done, batch)
                self.lanes_save()
            done += batch
            self.out(f"  {done}/{total} dossiers ({time.perf_counter() - self.started:.0f} s)")

    def _dossier_batch(self, start: int, n: int) -> None:
        rng, now, campaign = self.rng, self.now, self.campaign
        users = self.w.next_ids(User, n)
        first = self.w.next_ids(Dossier, n)
        opens = campaign.submission_opens_at
        window = max(60.0, (now - opens).total_seconds())
        people: list[dict[str, Any]] = []
        for k in range(n):
            i = start + k
            ready = i >= self.n
            unit = self.units[(i - self.n) % min(len(self.units), 50) if ready else rng.randrange(len(self.units))]
            # the first dossiers take every state in turn (so even a small set has them all), the rest the mix
            state = S.DRAFT if ready else (self.states[i] if i < len(self.states)
                                           else rng.choices(self.states, self.weights)[0])
            birth = _birth(users + k)
            created = opens + dt.timedelta(seconds=rng.random() * window * 0.5)
            people.append({
                "user": users + k, "dossier": first + k, "unit": unit, "state": state, "ready": ready,
                "username": SURGE_USERNAME.format(self.surge_offset + i - self.n) if ready else f"a{users + k:08d}",
                "name": _name(rng), "id_number": person_id(users + k, area=620100),
                "birth": birth, "created": created,
            })
        self.w.write(User, self.USER_FIELDS, (
            self._user_row(p["user"], p["username"], p["name"], p["id_number"]) for p in people))
        self.w.write(Membership, ["user", "organisation", "role", "is_active", "created_at", "updated_at"],
                     ((p["user"], p["unit"].pk, Role.APPLICANT, True, now, now) for p in people))
        self.w.write(StaffRosterEntry, ["organisation", "id_type", "id_number", "real_name", "relation", "is_active",
                                        "added_by", "created_at", "updated_at"],
                     ((p["unit"].pk, "resident", p["id_number"], p["name"], RosterRelation.EMPLOYEE, True,
                       p["unit"].admin, now, now) for p in people))
        steps = [self._walk(p) for p in people]
        self.w.write(Dossier, ["id", "applicant", "campaign", "organisation", "series", "level", "specialty", "scope",
                               "category", "route", "state", "state_changed_at", "held_by", "held_since", "revision",
                               "eligibility_status", "content_changed_at", "submitted_at", "withdrawn_at",
                               "withdraw_reason", "created_at", "updated_at", "section_counts", "applicant_name",
                               "blocking_findings"],
                     (self._dossier_row(p) for p in people))
        self._sections(people)
        self._versions(people)
        self._checks(people)
        self._state_changes(people, steps)
        self._publicity(people, steps)
        self._audit(people, steps)

    def _walk(self, p: dict[str, Any]) -> list[tuple[str, str, str, EventType | None, dt.datetime, int | None, int]]:
        """The steps to the dossier's state with their instants, actors and acting organisations; sets the holder."""
        unit: _Unit = p["unit"]
        department = unit.department
        dept_clerk, dept_leader = self.department_staff[department]
        path = self.paths[p["state"]]
        at = p["created"] + dt.timedelta(hours=1 + self.rng.random() * 48)
        span = max(1.0, (self.now - at).total_seconds())
        gap = dt.timedelta(seconds=span / (len(path) + 1))
        holder: tuple[str | None, int | None] = (APPLICANT, None)
        p["held_by"], p["held_since"], p["submitted"], p["state_at"], p["withdrawn"] = None, None, None, None, None
        steps = []
        for frm, to, name, event in path:
            at = at + gap * (0.5 + self.rng.random())
            at = min(at, self.now)
            level_before = holder[0]
            acting = {UNIT: unit.pk, DEPARTMENT: department, OFFICE: self.office}.get(level_before or "", unit.pk)
            if name in _APPLICANT_STEPS:
                actor = p["user"]
            elif level_before == DEPARTMENT:
                actor = dept_leader if not name.startswith("publicity") else dept_clerk
            elif level_before == OFFICE or to in EVALUATION_STATES:
                actor, acting = self.office_leader, self.office
            else:
                actor = unit.clerk if name.startswith("publicity") else unit.leader
            steps.append((frm, to, name, event, at, actor, acting))
            level = HOLDER_LEVEL.get(to)
            org = {UNIT: unit.pk, DEPARTMENT: department, OFFICE: self.office}.get(level or "")
            if org != holder[1] or level != level_before:
                p["held_by"], p["held_since"] = org, at
            holder = (level, org)
            if name == "submit":
                p["submitted"] = at
            if name == "withdraw":
                p["withdrawn"] = at
            p["state_at"] = at
        return steps

    @staticmethod
    def _blocking(p: dict[str, Any]) -> int | None:
        """Blocking findings of the dossier's check (None: never checked; only submitted dossiers have a check): one
        in BLOCKING_EVERY was found short of continuing education at a later re-check (the queues' filter)."""
        if p["submitted"] is None:
            return None
        return 1 if p["dossier"] % BLOCKING_EVERY == 0 else 0

    def _dossier_row(self, p: dict[str, Any]) -> tuple:
        submitted = p["submitted"] is not None
        status = EligibilityStatus.ELIGIBLE if submitted else EligibilityStatus.NOT_CHECKED
        if self._blocking(p):
            status = EligibilityStatus.BLOCKED
        changed = p["created"] + dt.timedelta(minutes=30)
        return (p["dossier"], p["user"], self.campaign.pk, p["unit"].pk, self.series.pk, self.level.pk, None,
                "province", "normal", "self", p["state"], p["state_at"], p["held_by"], p["held_since"],
                0 if p["ready"] else 12, status, changed, p["submitted"], p["withdrawn"],
                "个人原因" if p["withdrawn"] else "", p["created"], p["state_at"] or changed,
                "{}",  # section counts: filled on first read (dossiers.selectors.dossier_section_counts)
                p["name"], self._blocking(p))

    def _sections(self, people: list[dict[str, Any]]) -> None:
        rng, now = self.rng, self.now
        campaign = self.campaign
        cutoff = campaign.achievement_cutoff
        last_year = campaign.year - 1
        # the last 12 months before the window opened, paid by the applicant's unit
        opens = timezone.localtime(campaign.submission_opens_at).date().replace(day=1)
        months = [_month_back(opens, k) for k in range(1, 13)]
        self.w.write(IdentitySection, ["dossier", "ethnicity", "political_status", "phone", "household_province",
                                       "retirement_category", "employment", "file_custody", "is_civil_servant",
                                       "sanction_kind", "created_at", "updated_at"],
                     ((p["dossier"], "汉族", rng.choice(("群众", "中共党员")), f"139{p['dossier'] % 10**8:08d}",
                       "甘肃省", "cadre55", "unit_staff", "local", False, "", now, now) for p in people))

        def edu() -> Iterator[tuple]:
            for p in people:
                graduated = dt.date(p["birth"].year + 22, 7, 1)
                yield (p["dossier"], Education.BACHELOR, rng.choice(_SCHOOLS), "土木工程",
                       dt.date(p["birth"].year + 18, 9, 1), graduated, now, now)
        self.w.write(EducationRecord, ["dossier", "degree", "school", "major", "start", "end", "created_at",
                                       "updated_at"], edu())
        self.w.write(WorkHistoryEntry, ["dossier", "unit_name", "post", "start", "end", "created_at", "updated_at"],
                     ((p["dossier"], p["unit"].name, "助理工程师", dt.date(p["birth"].year + 22, 8, 1), None, now, now)
                      for p in people))
        self.w.write(TitleHeld, ["dossier", "series", "level", "scope", "obtained_on", "document_number",
                                 "appointed_on", "created_at", "updated_at"],
                     ((p["dossier"], self.series.pk, self.below.pk, "province", dt.date(campaign.year - 6, 12, 1),
                       f"甘人社职评〔{campaign.year - 6}〕{p['dossier'] % 900 + 10}号",
                       dt.date(campaign.year - 5, 1, 1),
                       now, now) for p in people))
        self.w.write(SocialSecurityMonth, ["dossier", "month", "paying_unit", "credit_code", "created_at",
                                           "updated_at"],
                     ((p["dossier"], month, p["unit"].name, p["unit"].code, now, now)
                      for p in people for month in months))

        def papers() -> Iterator[tuple]:
            for p in people:
                for k in range(2):
                    journal, tier = _JOURNALS[(p["dossier"] + k) % len(_JOURNALS)]
                    yield (p["dossier"], "paper", f"桥梁检测方法研究（{p['dossier']}-{k}）",
                           cutoff - dt.timedelta(days=60 + 200 * k), journal, tier, True, None, now, now)
        self.w.write(Achievement, ["dossier", "kind", "title", "achieved_on", "journal", "tier", "cnki_indexed",
                                   "similarity_percent", "created_at", "updated_at"], papers())
        self.w.write(ContinuingEducation, ["dossier", "year", "general_hours", "specialty_hours", "created_at",
                                           "updated_at"],
                     ((p["dossier"], year, 30, 60, now, now) for p in people for year in (last_year - 1, last_year)))
        self.w.write(AnnualAssessment, ["dossier", "year", "grade", "created_at", "updated_at"],
                     ((p["dossier"], year, rng.choice(("competent", "competent", "excellent")), now, now)
                      for p in people for year in range(last_year - 2, last_year + 1)))

    def _versions(self, people: list[dict[str, Any]]) -> None:
        submitted = [p for p in people if p["submitted"] is not None]
        if not submitted:
            return
        pledge0 = self.w.next_ids(PledgeSignature, len(submitted))
        version0 = self.w.next_ids(DossierVersion, len(submitted))
        text = self.campaign.pledge_text
        for k, p in enumerate(submitted):
            snapshot = json.dumps({"target": {"series": self.series.name, "level": self.level.name},
                                   "applicant": p["name"], "revision": 12}, ensure_ascii=False, sort_keys=True)
            p["snapshot"], p["sha"] = snapshot, hashlib.sha256(snapshot.encode()).hexdigest()
            p["pledge"], p["version"] = pledge0 + k, version0 + k
        self.w.write(PledgeSignature, ["id", "dossier", "signed_by", "signed_at", "ip", "user_agent", "pledge_text",
                                       "snapshot_sha256", "revision"],
                     ((p["pledge"], p["dossier"], p["user"], p["submitted"] - dt.timedelta(minutes=5), "10.0.0.1",
                       "seed_scale", text, p["sha"], 12) for p in submitted))
        self.w.write(DossierVersion, ["id", "dossier", "number", "snapshot", "file_hashes", "sha256", "pledge",
                                      "created_by", "created_at"],
                     ((p["version"], p["dossier"], 1, p["snapshot"], "[]", p["sha"], p["pledge"], p["user"],
                       p["submitted"]) for p in submitted))

    def _checks(self, people: list[dict[str, Any]]) -> None:
        def findings(blocking: int) -> str:
            return json.dumps([
                {"rule": rule, "severity": "block", "ok": ok, "blocking": not ok,
                 "message_zh": "符合" if ok else "继续教育学时不足", "message_en": "OK" if ok else "CE hours short",
                 "clause": clause, "subject": "", "missing": []}
                for rule, clause, ok in (("R-SOCSEC", "§一、§六(九)", True), ("R-CE", "§六(六)", not blocking),
                                         ("R-PLAGIARISM", "§六(七)", True), ("R-ASSESSMENT", "§六(五)", True),
                                         ("R-SENIORITY", "§六(三)", True))
            ], ensure_ascii=False)

        shown = {0: findings(0), 1: findings(1)}
        checked = [p for p in people if p["submitted"] is not None]
        # the check's blocking count is the dossier row's `blocking_findings` (_dossier_row): the same _blocking(p)
        self.w.write(EligibilityCheck, ["dossier", "dossier_revision", "version", "computed_at", "findings",
                                        "blocking_count", "facts_sha256", "rules_version", "rule_digests",
                                        "rule_checked_at", "rules_run"],
                     ((p["dossier"], 12, p["version"], p["submitted"], shown[self._blocking(p) or 0],
                       self._blocking(p) or 0, hashlib.sha256(str(p["dossier"]).encode()).hexdigest(), "seed_scale",
                       "{}", "{}", "[]")
                      for p in checked))

    def _publicity(self, people: list[dict[str, Any]], steps: list[list[tuple]]) -> None:
        """Each unit's publicity of this batch: the running one (today inside its period) and the closed one."""
        from zhicheng.publicity.models import PublicityBatch, PublicityEntry

        today = timezone.localdate(self.now)
        groups: dict[tuple[int, bool], list[tuple[int, dt.datetime]]] = {}
        for p, path in zip(people, steps, strict=True):
            published = [at for _f, _t, name, _e, at, _a, _o in path if name == "publicity_publish"]
            if published:
                running = p["state"] == S.IN_PUBLICITY
                groups.setdefault((p["unit"].pk, running), []).append((p["dossier"], published[0]))
        if not groups:
            return
        first = self.w.next_ids(PublicityBatch, len(groups))
        batches = []
        entries = []
        for n, ((unit_pk, running), members) in enumerate(sorted(groups.items())):
            unit = self.unit_by_pk[unit_pk]
            at = min(when for _d, when in members)
            starts = today - dt.timedelta(days=2) if running else timezone.localdate(at)
            ends = starts + dt.timedelta(days=7)
            closed = None if running else min(self.now, at + dt.timedelta(days=8))
            batches.append((first + n, unit_pk, self.campaign.pk, "unit", starts, ends, 5, "working", unit.clerk, at,
                            None if running else unit.clerk, closed, at, closed or at))
            entries += [(first + n, dossier, "unit", when, closed) for dossier, when in members]
        self.w.write(PublicityBatch, ["id", "organisation", "campaign", "kind", "starts_on", "ends_on", "length",
                                      "length_unit", "published_by", "published_at", "closed_by", "closed_at",
                                      "created_at", "updated_at"], batches)
        self.w.write(PublicityEntry, ["batch", "dossier", "kind", "created_at", "closed_at"], entries)

    def _state_changes(self, people: list[dict[str, Any]], steps: list[list[tuple]]) -> None:
        self.w.write(DossierStateChange, ["dossier", "from_state", "to_state", "transition", "actor", "organisation",
                                          "at", "reason", "decision_id"],
                     ((p["dossier"], frm, to, name, actor, acting, at, "", None)
                      for p, path in zip(people, steps, strict=True) for frm, to, name, _e, at, actor, acting in path))

    # audit ----------------------------------------------------------------------------------------------------
    def lanes(self) -> None:
        """Lock the keyed lanes' heads for this transaction (no other writer interleaves) and read them."""
        lanes_ensure()
        locked = AuditChain.objects.select_for_update().filter(pk__gte=1, pk__lte=lane_count()).order_by("pk")
        self.lane_heads = {lane.pk: (lane.last_seq, lane.last_hash) for lane in locked}
        self.lane_order = sorted(self.lane_heads)

    def _audit(self, people: list[dict[str, Any]], steps: list[list[tuple]]) -> None:
        """Each dossier's creation and workflow steps as keyed audit rows, chained lane by lane like the service."""
        label = Dossier._meta.label_lower
        heads, lanes = self.lane_heads, self.lane_order

        def rows() -> Iterator[tuple]:
            for p, path in zip(people, steps, strict=True):
                chain = lanes[p["dossier"] % len(lanes)]
                events = [(EventType.DOSSIER_CREATED, p["created"], p["user"], p["name"],
                           {"series": self.series.name, "level": self.level.name})]
                events += [(event, at, actor, "", {"from": frm, "to": to})
                           for frm, to, _n, event, at, actor, _o in path if event is not None]
                for event_type, at, actor, actor_label, data in events:
                    seq, prev = heads[chain]
                    # the fields audit_hash reads, without a model instance per row (a third of the client's time)
                    row = cast(AuditEvent, _AuditRow(
                        chain=chain, seq=seq + 1, occurred_at=at, actor_id=actor,
                        actor_label=actor_label or f"#{actor}", organisation_id=p["unit"].pk,
                        event_type=str(event_type), object_type=label, object_id=str(p["dossier"]), data=data,
                        ip=None))
                    digest = audit_hash(prev, row)
                    heads[chain] = (seq + 1, digest)
                    yield (chain, seq + 1, at, actor, row.actor_label, row.organisation_id, row.event_type, label,
                           row.object_id, json.dumps(data, ensure_ascii=False), None, prev, digest)

        self.w.write(AuditEvent, ["chain", "seq", "occurred_at", "actor", "actor_label", "organisation_id",
                                  "event_type", "object_type", "object_id", "data", "ip", "prev_hash", "hash"], rows())

    def lanes_save(self) -> None:
        for chain, (seq, digest) in self.lane_heads.items():
            AuditChain.objects.filter(pk=chain).update(last_seq=seq, last_hash=digest)


EVALUATION_STATES = frozenset(to for _frm, to in EVALUATION_STEPS)


class _AuditRow(NamedTuple):
    chain: int
    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    organisation_id: int
    event_type: str
    object_type: str
    object_id: str
    data: dict[str, Any]
    ip: str | None


# From this many dossiers the secondary indexes of the bulk tables are dropped before the load and built after it:
# one sort per index instead of a B-tree insert per row (most of the server's work at 1 M). Below it the saving
# is small and the DDL would lock the tables against a running server (the surge and two-server benchmarks).
DEFER_INDEXES_FROM = 50_000

_BULK_MODELS: tuple[type[models.Model], ...] = (
    User, Membership, StaffRosterEntry, Dossier, IdentitySection, EducationRecord, WorkHistoryEntry, TitleHeld,
    SocialSecurityMonth, Achievement, ContinuingEducation, AnnualAssessment, PledgeSignature, DossierVersion,
    EligibilityCheck, DossierStateChange, AuditEvent,
)


class _DeferredIndexes:
    """PostgreSQL: drop the plain (non-unique, non-constraint) indexes of the bulk tables, rebuild them on exit.

    Unique indexes and constraints stay, so a duplicate still fails the load. The definitions come from
    `pg_get_indexdef`, so whatever migrations added is rebuilt as it was; the rebuild runs in `finally`, so an
    interrupted load still leaves every index in place."""

    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self) -> _DeferredIndexes:
        tables = [model._meta.db_table for model in _BULK_MODELS]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
                   JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid
                   WHERE ct.relname = ANY(%s) AND ct.relnamespace = 'public'::regnamespace
                     AND NOT i.indisunique AND NOT i.indisprimary
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
                [tables],
            )
            self.definitions = cursor.fetchall()
            for name, _definition in self.definitions:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.out(f"  {len(self.definitions)} secondary indexes dropped for the load")
        return self

    def __exit__(self, *exc: object) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in self.definitions:
                cursor.execute(definition)
            for model in _BULK_MODELS:
                # VACUUM, not only ANALYZE: it sets the visibility map, without which every index-only scan (the
                # queues' counts on held_by) still reads the heap: the office's count read 22,070 pages at 1 M
                verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"  # VACUUM needs autocommit
                cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")
        seconds = time.perf_counter() - started
        self.out(f"  {len(self.definitions)} indexes built and tables vacuumed in {seconds:.0f} s")


@contextmanager
def _session_for_bulk() -> Iterator[None]:
    """PostgreSQL: no wait for the WAL flush at each batch's commit, and (as a superuser) no triggers — the per-row
    foreign-key checks, the queue summary's and the audit lane head's: the rows are made consistent here. Put back
    when the batch ends, not when the transaction does: inside an outer transaction (a test, a caller's atomic
    block) the services writing after the seed must find every trigger on, the lane head's above all."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        replica = cursor.fetchone()[0]
        if replica:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield  # on an error the batch's atomic block rolls back, and the setting with it
    if replica:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _birth(serial: int) -> dt.date:
    # 1975-1985: nobody near the retirement age (R-EXCL: women 55), everyone with a working life behind them
    return dt.date(1975, 1, 1) + dt.timedelta(days=(serial // 500) % 4000)


def person_id(serial: int, *, area: int) -> str:
    """A valid resident ID, one per serial (500 a birth day, 4,000 birth days an area code: 2 M per area)."""
    return resident_id(str(area + serial // 2_000_000), _birth(serial), serial % 500, male=bool(serial % 2))


def _month_back(first_of_month: dt.date, months: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def seed_scale(*, dossiers: int, ready: int = 0, units: int | None = None, seed: int = 2024,
               out: Callable[[str], None] = lambda _line: None) -> ScaleReport:
    """Write the data set, 20,000 dossiers a transaction (one seeder at a time: ids are allocated here)."""
    started = time.perf_counter()
    seeder = _Seeder(dossiers=dossiers, ready=ready, units=units, seed=seed, out=out)
    try:
        with transaction.atomic():
            campaign = campaign_open_now(seeder.now)
            seeder.targets()
            seeder.organisations()
            out(f"  {seeder.department_count} departments, {seeder.unit_count} units")
        if connection.vendor == "postgresql" and dossiers + ready >= DEFER_INDEXES_FROM:
            with _DeferredIndexes(out):
                seeder.dossiers(campaign)
        else:
            seeder.dossiers(campaign)
        # the load may run with triggers off (session_replication_role = replica): the queue counts the triggers
        # keep are counted here, once, from the loaded rows (the applicant's name is written with each row)
        summary_sql.queue_counts_rebuild()
    finally:
        seeder.w.sequences_reset()
    return ScaleReport(dossiers=dossiers, ready=ready, seconds=time.perf_counter() - started, counts=seeder.w.counts)
