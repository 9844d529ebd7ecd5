"""Load and fault test against gunicorn on loopback, on PostgreSQL: `make loadtest`.

1. Load: signed-in staff read chat and list pages from several threads while the import API
   receives new conversations; no request may fail and no message may be lost.
2. Outage: PostgreSQL is stopped during the load and started again. While it is down pages
   answer 503 (never a 500 or a traceback); afterwards they recover without restarting the app.
3. Interrupted import: `import_data` is killed midway and run again; the data ends up exact.

Every request goes to 127.0.0.1 and every phase is bounded in time. Exits non-zero on failure.
"""

import http.cookiejar
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
SERVER_DB = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = "chatlinks_loadtest"
PASSWORD = "chatlinks-demo"
LOAD_SECONDS = 20
IMPORTED_CONVERSATIONS = 120
MESSAGES_EACH = 25


def fail(message):
    print(f"FAILED: {message}")
    sys.exit(1)


def server_env():
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chatlinks.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "IMPORT_RATE_PER_MINUTE": "100000",
        "AXES_FAILURE_LIMIT": "1000",
        # Production settings, but with the demo generator that fills the database.
        "DEMO_DATA": "true",
    }


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        fail(f"manage.py {' '.join(args)}: {result.stderr[-2000:]}")
    return result.stdout


def recreate_database():
    with psycopg.connect(SERVER_DB, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def query(sql):
    with psycopg.connect(server_env()["DATABASE_URL"]) as connection:
        return connection.execute(sql).fetchone()[0]


def postgres(action):
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "-m", "fast"]
        if action == "stop"
        else ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
    )


class Browser:
    """A signed-in session: cookies, CSRF, and timed GETs."""

    def __init__(self, username):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        login_page = self.get("/accounts/login/")[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            BASE + "/accounts/login/", data=form, headers={"Referer": BASE + "/accounts/login/"}
        )
        self.opener.open(request, timeout=10)
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            fail(f"{username} could not sign in")

    def get(self, path):
        """(status, body, seconds); a refused connection counts as status 0."""
        started = time.monotonic()
        try:
            with self.opener.open(BASE + path, timeout=15) as response:
                return response.status, response.read().decode(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), time.monotonic() - started
        except OSError:
            return 0, "", time.monotonic() - started


def start_server(env):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "chatlinks.wsgi",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(BASE + "/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    fail("gunicorn did not start")


def read_pages(readers, seconds, results, stop=None):
    """Each (browser, paths) reader GETs its paths round-robin for `seconds`; appends
    (time, status, seconds taken) to `results`."""

    def worker(browser, paths, offset):
        deadline = time.monotonic() + seconds
        index = offset
        while time.monotonic() < deadline and not (stop and stop.is_set()):
            status, body, took = browser.get(paths[index % len(paths)])
            if status >= 500 and status != 503 or "Traceback" in body:
                results.append((time.monotonic(), "broken", took))
            else:
                results.append((time.monotonic(), status, took))
            index += 1

    threads = [
        threading.Thread(target=worker, args=(browser, paths, n * 7))
        for n, (browser, paths) in enumerate(readers)
    ]
    for thread in threads:
        thread.start()
    return threads


def conversation_record(number):
    started = f"2026-10-{1 + number % 28:02d}T10:00:00+05:30"
    return {
        "type": "conversation",
        "id": f"load-{number}",
        "business": "acme-bank",
        "bot": "acme-assist",
        "channel": "web",
        "user": {"id": f"load-user-{number % 30}", "name": "Load Tester"},
        "started_at": started,
        "messages": [
            {
                "id": f"m{i}",
                "at": started,
                "sender": "user" if i % 2 else "bot",
                "text": f"message {i} of conversation {number}",
            }
            for i in range(MESSAGES_EACH)
        ],
    }


def push_conversations(key, errors):
    for first in range(0, IMPORTED_CONVERSATIONS, 10):
        records = [conversation_record(n) for n in range(first, first + 10)]
        request = urllib.request.Request(
            BASE + "/api/v1/import",
            data=json.dumps(records).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=60).read()
        except (urllib.error.HTTPError, OSError) as error:
            errors.append(f"import batch {first}: {error}")


def summarize(name, results):
    times = sorted(took for _, _, took in results)
    if not times:
        fail(f"{name}: no requests were made")
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"{name}: {len(times)} requests, {len(times) / LOAD_SECONDS:.0f}/s, "
        f"p50 {statistics.median(times) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )


def load_phase(readers, key):
    results, import_errors = [], []
    threads = read_pages(readers, LOAD_SECONDS, results)
    importer = threading.Thread(target=push_conversations, args=(key, import_errors))
    importer.start()
    for thread in [*threads, importer]:
        thread.join()
    summarize("load while importing", results)
    failures = [status for _, status, _ in results if status != 200]
    if failures or import_errors:
        fail(f"errors under load: {failures[:10]} {import_errors[:3]}")
    imported = query(
        "SELECT count(*) FROM conversations_message m JOIN "
        "conversations_conversation c ON c.id = m.conversation_id "
        "WHERE c.external_id LIKE 'load-%'"
    )
    if imported != IMPORTED_CONVERSATIONS * MESSAGES_EACH:
        fail(f"{imported} imported messages, expected {IMPORTED_CONVERSATIONS * MESSAGES_EACH}")
    print(f"import under load: all {imported} messages stored")


def outage_phase(readers):
    results, stop = [], threading.Event()
    threads = read_pages(readers, 60, results, stop)
    time.sleep(3)
    postgres("stop")
    stopped_at = time.monotonic()
    time.sleep(6)
    postgres("start")
    started_at = time.monotonic()
    # Recovered once every browser has had a 200 again.
    deadline = started_at + 30
    while time.monotonic() < deadline:
        recent = [status for at, status, _ in results if at > started_at + 1]
        if recent.count(200) >= 10:
            break
        time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    during = [status for at, status, _ in results if stopped_at + 1 < at < started_at]
    after = [status for at, status, _ in results if at > started_at + 1]
    print(
        f"outage: {len(during)} requests while down: {sorted(set(during))}; "
        f"{after.count(200)} answered 200 after the restart"
    )
    if "broken" in during + after:
        fail("a page answered 500 or showed a traceback during the outage")
    if 503 not in during:
        fail("no 503 page while the database was down")
    if after.count(200) < 10:
        fail("pages did not recover after the database came back")


def interrupted_import_phase(env):
    records = [conversation_record(n) | {"id": f"batch-{n}"} for n in range(600)]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as stream:
        stream.writelines(json.dumps(record) + "\n" for record in records)
    command = [sys.executable, "manage.py", "import_data", stream.name]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = query(
        "SELECT count(*) FROM conversations_conversation WHERE external_id LIKE 'batch-%'"
    )
    manage(env, "import_data", stream.name)
    os.unlink(stream.name)
    conversations = query(
        "SELECT count(*) FROM conversations_conversation WHERE external_id LIKE 'batch-%'"
    )
    messages = query(
        "SELECT count(*) FROM conversations_message m JOIN "
        "conversations_conversation c ON c.id = m.conversation_id "
        "WHERE c.external_id LIKE 'batch-%'"
    )
    wrong_counts = query(
        "SELECT count(*) FROM conversations_conversation c WHERE message_count "
        "<> (SELECT count(*) FROM conversations_message m "
        "WHERE m.conversation_id = c.id)"
    )
    print(
        f"interrupted import: {partial} of 600 conversations before the kill; after the re-run "
        f"{conversations} conversations, {messages} messages"
    )
    if (conversations, messages, wrong_counts) != (600, 600 * MESSAGES_EACH, 0):
        fail("the re-run import did not end with exactly the right data")


def main():
    env = server_env()
    recreate_database()
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "seed_demo", "--conversations", "80")
    key = manage(env, "api_key", "acme-bank", "--name", "load test").strip()
    server = start_server(env)
    try:
        lead = Browser("acme_lead")
        chats = re.findall(r'href="(/c/[^"?]+/)', lead.get("/b/acme-bank/business/")[1])[:10]
        if not chats:
            fail("no chat links on the Business page")
        analytics = [
            "/b/acme-bank/analytics/messages/",
            "/b/acme-bank/analytics/words/",
            "/b/acme-bank/analytics/csat/",
        ]
        readers = [
            (lead, ["/b/acme-bank/business/", "/b/acme-bank/teams/", *chats]),
            (Browser("acme_agent_masked"), ["/b/acme-bank/my-chats/", *chats]),
            (Browser("acme_analyst"), [*analytics, *chats]),
            (Browser("acme_admin"), ["/b/acme-bank/business/?page=2", *analytics, *chats]),
        ]
        load_phase(readers, key)
        outage_phase(readers)
        interrupted_import_phase(env)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode:
            postgres("start")
    print("load and fault tests: passed")


if __name__ == "__main__":
    main()
