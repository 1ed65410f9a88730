"""The last day before the deadline, as locust users (run headless by run.py; see bench/surge/README.md).

Applicants: log in, open their dossiers and the dossier, save 10 fields (the API's autosave), upload 3 PDFs of
1-3 MB (the continuing-education certificate the eligibility check asks for, and two papers' evidence), sign the
pledge (password again), submit; each 2xx submit is written to SURGE_OUT/submissions.jsonl with its files'
SHA-256 for the after-run check. Then the next ready applicant.
Clerks: log in with their TOTP code, open the unit queue (page and API), open a submitted dossier, propose
"pass" on it. Public: the publicity list, page and API.

Environment: SURGE_PLAN (dbtools.py plan), SURGE_OUT (folder), SURGE_MIX "applicant=8,clerk=1,public=1".
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import threading

from locust import HttpUser, between, events, task
from locust.exception import StopUser
from surgelib import pdf, totp_now

PASSWORD = "Zhicheng-2024!"
with open(os.environ["SURGE_PLAN"], encoding="utf-8") as _f:
    PLAN = json.load(_f)
OUT = os.environ.get("SURGE_OUT", ".")
MIX = {k: int(v) for k, v in (part.split("=") for part in os.environ.get(
    "SURGE_MIX", "applicant=8,clerk=1,public=1").split(","))}
_applicants = iter(PLAN["applicants"])  # shared by every user of this (single) locust process
_clerks = iter(PLAN["clerks"])
_lock = threading.Lock()
_log = open(os.path.join(OUT, "submissions.jsonl"), "a", encoding="utf-8")  # noqa: SIM115 - open for the run


def _next(it):
    with _lock:
        return next(it, None)


class _Base(HttpUser):
    abstract = True

    def log_in(self, username: str) -> bool:
        self.client.cookies.clear()
        self.client.get("/accounts/login/", name="login page")
        with self.client.post("/accounts/login/", name="log in", allow_redirects=False, catch_response=True, data={
                "username": username, "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}) as r:
            if r.status_code != 302 or "login" in r.headers.get("Location", "/accounts/login/"):
                r.failure(f"log-in refused ({r.status_code})")
                return False
        return True

    @property
    def csrf(self) -> dict:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}


class Applicant(_Base):
    weight = MIX.get("applicant", 0)
    wait_time = between(0.5, 1.5)

    @task
    def apply(self) -> None:
        me = _next(_applicants)
        if me is None:
            raise StopUser()
        if not self.log_in(me["username"]):
            return
        pk = me["dossier"]
        api = f"/api/v1/dossiers/{pk}"
        self.client.get("/dossiers/mine/", name="my dossiers page")
        self.client.get(f"/dossiers/{pk}/", name="dossier page")
        for n in range(10):
            field, value = (("phone", f"139{random.randrange(10**8):08d}") if n % 2 == 0
                            else ("political_status", random.choice(("群众", "中共党员"))))
            self.client.put(api + "/sections/identity", json={field: value}, headers=self.csrf, name="autosave")
        files = []
        uploads = [("continuing_education", me["ce_row"], "ce_certificate")]
        uploads += [("achievement", row, "") for row in me["papers"][:2]]
        for section, row, purpose in uploads:
            data = pdf(random.randint(1 << 20, 3 << 20), f"{pk}-{section}-{row}-{random.random()}")
            with self.client.post(f"/evidence/dossiers/{pk}/{section}/", name="upload PDF", headers=self.csrf,
                                  data={"item_id": row, "purpose": purpose},
                                  files={"file": (f"{section}.pdf", data, "application/pdf")},
                                  catch_response=True) as r:
                if r.status_code == 201:
                    files.append(hashlib.sha256(data).hexdigest())
                else:
                    r.failure(f"upload {r.status_code}: {r.text[:200]}")
        self.client.post(api + "/pledge", json={"password": PASSWORD}, headers=self.csrf, name="sign pledge")
        with self.client.post(api + "/submit", headers=self.csrf, name="submit", catch_response=True) as r:
            if 200 <= r.status_code < 300:
                with _lock:
                    _log.write(json.dumps({"dossier": pk, "files": files}) + "\n")
                    _log.flush()
            else:
                r.failure(f"submit {r.status_code}: {r.text[:300]}")


class Clerk(_Base):
    weight = MIX.get("clerk", 0)
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.me = _next(_clerks)
        if self.me is None:
            raise StopUser()
        self.queue = iter(self.me["dossiers"])
        if not self.log_in(self.me["username"]):
            raise StopUser()
        page = self.client.get("/accounts/otp/verify/", name="TOTP page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        with self.client.post("/accounts/otp/verify/", name="TOTP", allow_redirects=False, catch_response=True,
                              data={"token": totp_now(), "csrfmiddlewaretoken": token.group(1) if token else ""}) as r:
            if r.status_code != 302:
                r.failure(f"TOTP refused ({r.status_code})")
                raise StopUser()

    @task
    def decide(self) -> None:
        self.client.get("/review/queue/", name="unit queue page")
        self.client.get("/api/v1/review/queue", name="unit queue API")
        pk = next(self.queue, None)
        if pk is None:
            return
        self.client.get(f"/dossiers/{pk}/", name="clerk dossier page")
        self.client.post(f"/api/v1/review/dossiers/{pk}/decisions", json={"action": "pass", "reason": "材料齐全"},
                         headers=self.csrf, name="propose pass")


class Public(HttpUser):
    weight = MIX.get("public", 0)
    wait_time = between(0.5, 2)

    @task(3)
    def page(self) -> None:
        self.client.get("/public/publicity/", name="public list page")

    @task(1)
    def api(self) -> None:
        self.client.get("/api/v1/public/publicity/", name="public list API")


@events.quitting.add_listener
def _close(environment, **kwargs) -> None:
    _log.close()

