#!/usr/bin/python3
"""crash_test.py - crash safety of bianmin serve (run by scripts/crash-test.sh).

Loads the demo into a fresh database, serves it, and runs concurrent pipelines: each signs in
as the office's clerk and supervisor, takes cases in at the counter (POST /staff/intake) and
moves them along the land-registration workflow (POST /staff/cases/{id}/status). Meanwhile the
server is killed with SIGKILL at random moments and restarted. Every write the server
acknowledged (a 303 to the case page) is recorded.

At the end (after the last kill, before any clean restart):
  - SQLite: PRAGMA integrity_check says ok (the file exactly as the kill left it);
  - `bianmin audit-verify` passes;
  - every acknowledged intake exists, and every case is at least at its last acknowledged step
    and at most at the step last attempted (an unacknowledged write may or may not be there);
  - case numbers (per word and year) have no duplicates and no gaps.

Python standard library only; run with Debian's /usr/bin/python3.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

PASSWORD = "bianmin-demo-2026"
OFFICE = "xinxing"
CHAIN = ["received", "first_review", "second_review", "recording", "proofreading",
         "records_updated", "closed", "archived"]
INTAKE = ("service_id=1&applicant_name=%E6%9E%97%E5%B0%8F%E8%8A%B3"
          "&applicant_phone=0912345678&notify=sms&doc_0=x")


class Down(Exception):
    """The server did not answer (killed, restarting)."""


class Server:
    def __init__(self, exe, db, work, env):
        self.exe, self.db, self.work, self.env = exe, db, work, env
        self.proc, self.port, self.starts = None, 0, 0
        self.up = threading.Event()
        self.log = open(os.path.join(work, "server.log"), "ab")

    def cli(self, *args):
        return subprocess.run([self.exe, *args, "--db", self.db], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def start(self):
        port_file = os.path.join(self.work, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.proc = subprocess.Popen(
            [self.exe, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
             "--port-file", port_file], env=self.env, stdout=self.log, stderr=self.log)
        for _ in range(600):
            if self.proc.poll() is not None:
                raise SystemExit("crash-test: the server exited at start (see %s/server.log)"
                                 % self.work)
            try:
                with open(port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        else:
            raise SystemExit("crash-test: the server did not start")
        self.starts += 1
        self.up.set()

    def kill(self):
        self.up.clear()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.up.clear()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)


class Client:
    """A browser-like client: cookies, the CSRF token of the last page, no redirects."""

    def __init__(self, server):
        self.server, self.cookies, self.csrf = server, {}, ""

    def call(self, method, path, body=None, json_view=False):
        if not self.server.up.wait(timeout=120):
            raise Down()
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_view:
            headers["Accept"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            data = res.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            raise Down() from e
        finally:
            conn.close()
        for name, value in res.getheaders():
            if name.lower() == "set-cookie":
                k, _, v = value.split(";", 1)[0].partition("=")
                self.cookies[k.strip()] = v.strip()
        m = re.search(r'name="csrf" value="([^"]+)"', data)
        if m:
            self.csrf = m.group(1)
        return res.status, res.getheader("Location") or "", data

    def post(self, path, form):
        body = (form + "&" if form else "") + "csrf=" + self.csrf
        return self.call("POST", path, body)

    def login(self, username):
        self.cookies = {}
        self.call("GET", "/staff/login")
        status, _, _ = self.post("/staff/login",
                                 "username=%s&password=%s" % (username, PASSWORD))
        if status != 303:
            raise SystemExit("crash-test: %s could not sign in (%d)" % (username, status))
        self.call("GET", "/staff/")  # the session's CSRF token

    def case(self, case_id):
        status, _, data = self.call("GET", "/staff/cases/%d" % case_id, json_view=True)
        if status == 404:
            return None
        if status != 200:
            raise RuntimeError("case %d answered %d" % (case_id, status))
        return json.loads(data)["case"]


class Pipeline(threading.Thread):
    """Intakes as the clerk, moves its own cases along the chain as the supervisor."""

    def __init__(self, server, stop_at, rng):
        super().__init__(daemon=True)
        self.server, self.stop_at, self.rng = server, stop_at, rng
        self.clerk, self.sup = Client(server), Client(server)
        self.acked = {}      # case id -> index in CHAIN last acknowledged
        self.attempted = {}  # case id -> highest index in CHAIN ever sent
        self.intakes_acked = 0
        self.steps_acked = 0
        self.errors = []

    def signed_in(self, client, username):
        # Sessions live in the database; a sign-in lost with a kill means signing in again.
        status, location, _ = client.call("GET", "/staff/")
        if status == 303 or not client.csrf:
            client.login(username)

    def intake(self):
        self.signed_in(self.clerk, OFFICE + "-clerk")
        status, location, body = self.clerk.post("/staff/intake", INTAKE)
        m = re.match(r"/staff/cases/(\d+)", location)
        if status == 303 and m:
            case_id = int(m.group(1))
            self.acked[case_id] = 0
            self.attempted[case_id] = 0
            self.intakes_acked += 1
        elif status >= 500:
            self.errors.append("intake answered %d: %s" % (status, body[:200]))

    def advance(self, case_id):
        self.signed_in(self.sup, OFFICE + "-supervisor")
        current = self.sup.case(case_id)
        if current is None:
            self.errors.append("acknowledged case %d is gone" % case_id)
            return
        index = CHAIN.index(current["status"])
        if index + 1 >= len(CHAIN):
            return
        self.attempted[case_id] = max(self.attempted[case_id], index + 1)
        status, location, body = self.sup.post("/staff/cases/%d/status" % case_id,
                                               "to=" + CHAIN[index + 1])
        if status == 303:
            self.acked[case_id] = index + 1
            self.steps_acked += 1
        elif status >= 500:
            self.errors.append("status change answered %d: %s" % (status, body[:200]))

    def run(self):
        while time.monotonic() < self.stop_at:
            try:
                open_cases = [c for c, i in self.acked.items() if i + 1 < len(CHAIN)]
                if not open_cases or self.rng.random() < 0.35:
                    self.intake()
                else:
                    self.advance(self.rng.choice(open_cases))
            except Down:
                time.sleep(0.05)
            except Exception as e:  # noqa: BLE001 - reported at the end
                self.errors.append(repr(e))
                time.sleep(0.05)


def acks(pipelines):
    return sum(p.intakes_acked + p.steps_acked for p in pipelines)


def check_sqlite(path, problems):
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    if result != [("ok",)]:
        problems.append("PRAGMA integrity_check: %r" % (result[:5],))
    else:
        print("crash-test: PRAGMA integrity_check: ok")


def check_cases(server, pipelines, problems):
    reader = Client(server)
    reader.login(OFFICE + "-supervisor")
    acked = {}
    attempted = {}
    for p in pipelines:
        acked.update(p.acked)
        attempted.update(p.attempted)
    numbers = {}
    top = max(list(acked) + [0])
    # Every case id up to the highest acknowledged one and a margin (unacknowledged intakes
    # that did commit): the serials of the whole office, to check for duplicates and gaps.
    for case_id in range(1, top + 40):
        c = reader.case(case_id)
        if c is None:
            if case_id in acked:
                problems.append("acknowledged case %d is missing" % case_id)
            continue
        key = (c.get("word_code"), c.get("roc_year"))
        numbers.setdefault(key, []).append(c["serial"])
        if case_id in acked:
            index = CHAIN.index(c["status"]) if c["status"] in CHAIN else -1
            if index < acked[case_id] or index > attempted[case_id]:
                problems.append("case %d is %s; acknowledged %s, last attempted %s" % (
                    case_id, c["status"], CHAIN[acked[case_id]], CHAIN[attempted[case_id]]))
    for key, serials in numbers.items():
        serials.sort()
        if len(set(serials)) != len(serials):
            problems.append("duplicate case numbers in %s: %r" % (key, serials))
        if serials != list(range(1, len(serials) + 1)):
            problems.append("case numbers of %s have gaps: %r" % (key, serials))
    total = sum(len(s) for s in numbers.values())
    steps = sum(acked.values())
    print("crash-test: %d cases (%d acknowledged intakes, %d acknowledged status changes) "
          "verified" % (total, len(acked), steps))
    if not acked or not steps:
        problems.append("nothing was acknowledged: the test did not exercise anything")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--exe", required=True)
    ap.add_argument("--kills", type=int, default=25)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--db", default="", help="a postgresql:// URL (default: a SQLite file); "
                    "'test-pg' takes BIANMIN_TEST_PG_URL (tests/pg/run.sh)")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.db == "test-pg":
        args.db = os.environ.get("BIANMIN_TEST_PG_URL", "")
        if not args.db:
            raise SystemExit("crash-test: --db test-pg needs BIANMIN_TEST_PG_URL")
    print("crash-test: seed %d, %d kills, %d clients" % (args.seed, args.kills, args.clients))
    source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    binary = os.environ.get("BIANMIN_BINARY_DIR", os.path.join(source, "build", "release"))
    work = tempfile.mkdtemp(prefix="bianmin-crash-")
    env = dict(os.environ)
    env.update({
        "BIANMIN_TEMPLATES": os.path.join(source, "templates"),
        "BIANMIN_STATIC": os.path.join(source, "static"),
        "BIANMIN_LOCALE": os.path.join(binary, "locale"),
        "BIANMIN_RATE_LOGIN": "100000", "BIANMIN_RATE_PUBLIC": "100000",
        "BIANMIN_RATE_LOOKUP": "100000",
    })
    if args.db:
        env.setdefault("BIANMIN_SECRET_KEY", "00112233445566778899aabbccddeeff"
                                             "00112233445566778899aabbccddeeff")
    db = args.db or os.path.join(work, "bianmin.db")
    server = Server(args.exe, db, work, env)
    problems = []
    try:
        demo = server.cli("demo")
        if demo.returncode != 0:
            raise SystemExit("crash-test: bianmin demo failed:\n" + demo.stdout)
        server.start()
        # Long enough for every kill; the pipelines stop once the kills are done.
        pipelines = [Pipeline(server, time.monotonic() + 3600, random.Random(rng.random()))
                     for _ in range(args.clients)]
        for p in pipelines:
            p.start()
        for k in range(args.kills):
            # A random moment once the clients are busy again: after a random number of
            # acknowledged writes since the restart (a slow machine gets its writes in too),
            # and a random fraction of a second more.
            before, wanted = acks(pipelines), rng.randint(3, 30)
            deadline = time.monotonic() + 20
            while acks(pipelines) - before < wanted and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))
            server.kill()
            if k + 1 < args.kills:
                server.start()
        for p in pipelines:
            p.stop_at = 0
        server.up.set()  # let blocked clients see the dead server and finish
        for p in pipelines:
            p.join(timeout=60)
        server.up.clear()
        for p in pipelines:
            problems.extend(p.errors)
        print("crash-test: %d kills; the server was killed in the middle of %d client pipelines"
              % (args.kills, len(pipelines)))
        if not args.db:
            check_sqlite(db, problems)
        audit = server.cli("audit-verify")
        print("crash-test: " + audit.stdout.strip().replace("\n", "; "))
        if audit.returncode != 0:
            problems.append("audit-verify failed: " + audit.stdout)
        server.start()
        check_cases(server, pipelines, problems)
        server.stop()
    finally:
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        if not args.keep and not problems:
            shutil.rmtree(work, ignore_errors=True)
    if problems:
        print("crash-test: FAILED (seed %d, work folder %s):" % (args.seed, work))
        for p in problems[:30]:
            print("  " + p)
        return 1
    print("crash-test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
