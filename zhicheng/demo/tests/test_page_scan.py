"""No page shows a dotted internal code (issue 15): every demo role walks the pages its menu and lists link to, in
Chinese and in English, and no visible text may look like `dossier.section_changed` or `otp_totp.totpdevice`.

The walk is GET only, on this site, bounded (a few URLs per view, a page budget per walk), so it reads each kind
of page a role reaches without reading every dossier of the demo.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from zhicheng.accounts.models import Role, User
from zhicheng.demo.people import demo_people
from zhicheng.dossiers.models import DossierState, EligibilityStatus
from zhicheng.web.tests.helpers import login

pytestmark = pytest.mark.django_db

# A dotted code: lower-case words joined by a dot, e.g. `dossier.section_changed`, `otp_totp.totpdevice`
DOTTED_CODE = re.compile(r"(?<![\w.@/:-])[a-z][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+(?![\w@/-])")
# What a person may legitimately read that has the same shape: file names (the uploaded file keeps its name),
# host names in addresses, and the Latin abbreviations of English text
FILE_SUFFIX = re.compile(r"\.(pdf|jpe?g|png|gif|docx?|xlsx?|csv|zip|txt|ofd|json|xml)$")
HOST_SUFFIX = re.compile(r"\.(cn|com|org|net|gov|edu|test|local|localhost)$")
ALLOWED = {"e.g", "i.e", "a.m", "p.m"}
# Stored codes without a dot that a page could print instead of their label (a state, a role, a status)
_UNDOTTED = sorted({value for enum in (DossierState, Role, EligibilityStatus) for value in enum.values if "_" in value},
                   key=len, reverse=True)
UNDOTTED_CODES = re.compile(r"(?<![\w.@/:-])(" + "|".join(_UNDOTTED) + r")(?![\w@/-])")

# Paths never followed: the API (JSON), language switches and log-out (they change the session), Django admin
SKIPPED_PREFIXES = ("/api/", "/i18n/", "/accounts/logout", "/admin/", "/static/", "/media/")
PAGES_PER_VIEW = 2  # distinct URLs of one view (two dossiers, two pages of a list) say what every other one says
PAGE_BUDGET = 70


class _Page(HTMLParser):
    """A page's visible text (text nodes and what a person reads in titles, placeholders, alt text) and its links."""

    READ_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if values.get("hx-get"):  # panels loaded into the page (the checklist, the queues' rows)
            self.links.append(values["hx-get"])
        self.texts.extend(v for k, v in attrs if k in self.READ_ATTRIBUTES and v)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


def dotted_codes(text: str) -> set[str]:
    """The dotted codes a text shows, less file names, host names, e-mail addresses and abbreviations."""
    found = set()
    for match in DOTTED_CODE.finditer(text):
        code = match.group(0)
        if code in ALLOWED or FILE_SUFFIX.search(code) or HOST_SUFFIX.search(code):
            continue
        found.add(code)
    return found | {match.group(0) for match in UNDOTTED_CODES.finditer(text)}


class Walk:
    """What one walk read: the pages (HTML, answered 200) and, per page, the codes it showed."""

    def __init__(self):
        self.read: list[str] = []
        self.shown: dict[str, set[str]] = {}


def walk(client, start: str, language: str) -> Walk:
    """GET the pages reachable from `start`, breadth first, within the budgets."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    queue, seen, per_view, done = [start], {start}, Counter(), Walk()
    fetched = 0
    while queue and fetched < PAGE_BUDGET:
        url = queue.pop(0)
        response = client.get(url)
        fetched += 1
        if response.status_code in (301, 302, 303):
            _enqueue(response["Location"], url, queue, seen, per_view)
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        if response.has_header("Content-Disposition"):
            continue
        page = _Page()
        page.feed(response.content.decode())
        done.read.append(url)
        codes = dotted_codes("\n".join(page.texts))
        if codes:
            done.shown[url] = codes
        for href in page.links:
            _enqueue(href, url, queue, seen, per_view)
    if os.environ.get("ZHICHENG_SCAN_VERBOSE"):
        print(f"\n{language} {start}: {len(done.read)} pages", *done.read, sep="\n  ")  # noqa: T201 - on request, to see what a walk covers
    return done


def _enqueue(href: str, base: str, queue: list[str], seen: set[str], per_view: Counter) -> None:
    url = urldefrag(urljoin(base, href)).url
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return  # another site
    url = parts.path + (f"?{parts.query}" if parts.query else "")
    if url in seen or parts.path.startswith(SKIPPED_PREFIXES):
        return
    seen.add(url)
    try:
        view = resolve(parts.path).view_name
    except Resolver404:
        return
    if per_view[view] >= PAGES_PER_VIEW:
        return
    per_view[view] += 1
    queue.append(url)


def _personas() -> list[str]:
    """One log-in for each role and organisation kind, and applicants at the live campaign's interesting steps."""
    people = demo_people()
    by_case = {p.case.code: p for p in people if p.case is not None}
    applicants = [by_case[code] for code in ("ENGINEER-05", "ENGINEER-MID-04", "ENGINEER-14") if code in by_case]
    unit = by_case["ENGINEER-11"].organisation if "ENGINEER-11" in by_case else "yizhong"
    staff = [f"{unit}_{suffix}" for suffix in ("admin", "clerk", "leader")]
    staff += ["jtj_clerk", "jtj_leader", "zgb_admin", "zgb_clerk", "zgb_leader", "zgb_staff"]
    staff += ["sysadmin", "secadmin", "auditadmin", "jijian", "pwh_gc_sec", "expert01"]
    return [p.username for p in applicants] + staff


PERSONAS = _personas()
LANGUAGES = ("zh-hans", "en")


def test_every_role_is_walked():
    roles = {role for p in demo_people() if p.username in PERSONAS for role in p.roles}
    assert roles == set(Role.values)


def test_the_pattern_finds_codes_and_spares_file_names_addresses_and_numbers():
    text = "审计 dossier.section_changed、otp_totp.totpdevice #6 scan.pdf www.gov.cn 3.5 a@b.cn e.g. Next."
    assert dotted_codes(text) == {"dossier.section_changed", "otp_totp.totpdevice"}
    assert dotted_codes("状态 dept_returned，角色 review_clerk；账号 zgb_clerk") == {"dept_returned", "review_clerk"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_public_page_shows_a_dotted_code(seeded, client, language):
    shown, read = {}, []
    for start in ("/accounts/login/", "/notices/", "/public/publicity/"):
        done = walk(client, start, language)
        shown.update(done.shown)
        read += done.read
    assert len(read) >= 5  # the walk reads pages, it does not stop at the door
    assert shown == {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("username", PERSONAS)
def test_no_page_of_a_role_shows_a_dotted_code(seeded, client, username, language):
    login(client, User.objects.get(username=username))
    done = walk(client, "/", language)
    assert len(done.read) >= 5  # logged in past the second factor, the menu followed
    assert done.shown == {}
