"""The portal's benchmark (`make bench`): figures, never a timed test.

Builds (or reuses) a PostgreSQL database filled by `seed_demo`, serves it with gunicorn
(2 workers, DJANGO_DEBUG off) and loads it from this process with a small asyncio HTTP/1.1
client at a fixed concurrency, page after page, cycling through each page's fixed list of
URLs. Prints one line per page (requests/s, p50 and p95 latency, errors, SQL queries per
request measured in-process once per URL) and ends with the issue's summary line:

    search/floor=R1 search/admin=R2 p95_ms=P queries=Q

Environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/poles_bench),
BENCH_ORGS (1000), BENCH_SECONDS per page (10), BENCH_CONCURRENCY (8), BENCH_PORT (8190),
BENCH_REDIS_URL (redis://127.0.0.1:6379/14, emptied first; empty: each worker's own memory),
BENCH_CACHE (`off`: the
directory's cache off, every page computed). `--rebuild` drops the database
first; otherwise it is reused when it holds at least BENCH_ORGS organisations.
"""

import argparse
import asyncio
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/poles_bench"
# As in production: one cache shared by the workers (an empty value: each worker's memory).
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
MIN_BROAD_QUERIES = 20
BROAD_QUERIES = 24  # how many broad words to use when the data offers more
BROAD_SHARE = 0.02  # a broad word matches at least this share of the organisations
RARE_QUERIES = 5
SAMPLE_OBJECTS = 20  # organisations, projects, calls cycled through per page
# The network's proportions (issue 7): 100 000 organisations, 300 000 memberships, 20 000
# projects.
MEMBERSHIPS_PER_ORG = 3
ORGS_PER_PROJECT = 5


# --- Pure parts (tested in tests/test_bench_script.py) --------------------------------------


def percentile(values, pct: float) -> float:
    """The `pct` percentile (0-100) of `values`, linearly interpolated; nan when empty."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class PageResult:
    name: str
    requests: int
    seconds: float
    latencies_ms: list = field(default_factory=list)
    errors: int = 0
    queries: int | None = None  # most SQL queries of any of the page's URLs
    skipped: str = ""  # why the page was not measured

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)


def page_line(result: PageResult) -> str:
    """One printed line per page."""
    if result.skipped:
        return f"{result.name:<16} skipped: {result.skipped}"
    queries = "?" if result.queries is None else str(result.queries)
    return (
        f"{result.name:<16} {result.rps:8.1f} req/s  p50 {result.p50:7.1f} ms  "
        f"p95 {result.p95:7.1f} ms  errors {result.errors:<4d} queries {queries}"
    )


def summary_line(*, floor: PageResult, search: PageResult, admin: PageResult, results) -> str:
    """`search/floor=R1 search/admin=R2 p95_ms=P queries=Q`, as issue 7 defines it.

    R1 broad-search req/s over /healthz req/s, R2 broad-search req/s over admin-search req/s
    (n/a when the admin search was not measured), P the broad search's p95, Q the most SQL
    queries of any page measured.
    """
    r1 = search.rps / floor.rps if floor.rps else math.nan
    r2 = f"{search.rps / admin.rps:.2f}" if admin.rps and not admin.skipped else "n/a"
    counted = [r.queries for r in results if r.queries is not None and not r.skipped]
    q = max(counted) if counted else "n/a"
    return f"search/floor={r1:.3f} search/admin={r2} p95_ms={search.p95:.0f} queries={q}"


def broad_words(counts: dict, total: int, *, want: int = BROAD_QUERIES) -> list[str]:
    """The `want` words matching the most organisations, among those matching at least
    BROAD_SHARE of the `total` (ties by word, so that the list is stable)."""
    floor = math.ceil(total * BROAD_SHARE)
    eligible = [(n, w) for w, n in counts.items() if n >= floor and n > 0]
    eligible.sort(key=lambda item: (-item[0], item[1]))
    return [w for _n, w in eligible[:want]]


def rare_words(counts: dict, *, want: int = RARE_QUERIES) -> list[str]:
    """`want` words matching only a few organisations (1 to 3), stable order."""
    rare = sorted(w for w, n in counts.items() if 1 <= n <= 3)
    step = max(1, len(rare) // want) if rare else 1
    return rare[::step][:want]


def candidate_words(texts, *, min_length: int = 4, stopwords=frozenset()) -> Counter:
    """Words of `texts` (already folded), counted once per text."""
    counts = Counter()
    for text in texts:
        words = {w.strip("-'") for w in text.replace(",", " ").replace("/", " ").split()}
        counts.update(
            w for w in words if len(w) >= min_length and w.isalpha() and w not in stopwords
        )
    return counts


def with_database(url: str, name: str) -> str:
    """`url` naming the database `name` instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


# --- Database ---------------------------------------------------------------------------------


def django_env(database_url: str, port: int) -> dict:
    """The environment of the served portal (and of this process's Django)."""
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_BEHIND_PROXY="false",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        # BENCH_CACHE=off measures every page computed (the directory's cache off).
        DIRECTORY_CACHE_SECONDS="0" if os.environ.get("BENCH_CACHE") == "off" else "300",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def manage(env: dict, *args: str) -> None:
    command = [str(PYTHON), "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own manage.py)


def prepare_database(url: str, orgs: int, *, rebuild: bool, env: dict) -> None:
    """Create the database if missing, migrate, load the pôles and seed `orgs` organisations
    (dropping it first with --rebuild, or when it holds fewer organisations than asked)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"BENCH_DATABASE_URL must name a plain database, not {name!r}.")
    admin_url = with_database(url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        held = 0
        if exists and not rebuild:
            with psycopg.connect(url) as bench:
                table = bench.execute("SELECT to_regclass('members_organisation')").fetchone()[0]
                if table:
                    held = bench.execute("SELECT count(*) FROM members_organisation").fetchone()[0]
        if exists and (rebuild or held < orgs):
            why = "--rebuild" if rebuild else f"{held} organisations < {orgs} asked"
            print(f"dropping database {name} ({why})", flush=True)
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            print(f"creating database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')
            held = 0
    manage(env, "migrate", "--no-input", "-v0")
    if held >= orgs:
        print(f"reusing database {name} ({held} organisations)", flush=True)
        return
    manage(env, "load_poles")
    started = time.monotonic()
    memberships, projects = orgs * MEMBERSHIPS_PER_ORG, orgs // ORGS_PER_PROJECT
    print(
        f"seeding {orgs} organisations, {memberships} memberships, {projects} more projects "
        "(seed_demo)…",
        flush=True,
    )
    manage(
        env,
        "seed_demo",
        "--organisations",
        str(orgs),
        "--memberships",
        str(memberships),
        "--projects",
        str(projects),
        "--force",
    )
    print(f"seeding took {time.monotonic() - started:.0f} s", flush=True)


# --- What to request --------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    urls: list
    cookie: str = ""  # Cookie header value
    skipped: str = ""


def make_session(user, *, mfa: bool) -> str:
    """A signed-in session for `user`, as allauth leaves it after a password sign-in (and a
    TOTP code when `mfa`); returns its key. config.mfa lets staff and funders through once
    they have an authenticator app, which the demo gives them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    now = time.time()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    methods = [{"method": "password", "at": now, "email": user.email}]
    if mfa:
        from allauth.mfa.models import Authenticator

        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        methods.append({"method": "mfa", "at": now, "id": totp.pk, "type": "totp"})
    session["account_authentication_methods"] = methods
    session.create()
    return session.session_key


def choose_words():
    """Broad and rare words, counted by the directory's own search over public organisations."""
    from members import search
    from members.models import Organisation

    public = Organisation.objects.public()
    total = public.count()
    texts = public.values_list("search_names", flat=True).iterator(chunk_size=2000)
    candidates = candidate_words(texts, stopwords=search.STOPWORDS)
    # Enough frequent candidates to find the broad ones; rare ones among the singletons.
    frequent = [w for w, _n in candidates.most_common(80)]
    counts = {w: search.matching(public, w).count() for w in frequent}
    broad = broad_words(counts, total)
    singles = sorted(w for w, n in candidates.items() if n == 1 and len(w) >= 6)[:200]
    step = max(1, len(singles) // (RARE_QUERIES * 4))
    rare_counts = {w: search.matching(public, w).count() for w in singles[::step]}
    return total, broad, counts, rare_words(rare_counts), rare_counts


def build_pages():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from members.models import Organisation
    from projects.models import Project

    users = get_user_model().objects
    total, broad, counts, rare, rare_counts = choose_words()
    print(f"public organisations: {total}; broad words (≥ {BROAD_SHARE:.0%}, matches):")
    print("  " + ", ".join(f"{w} {counts[w]}" for w in broad))
    print("rare words (matches): " + ", ".join(f"{w} {rare_counts[w]}" for w in rare))
    if len(broad) < MIN_BROAD_QUERIES:
        raise SystemExit(
            f"only {len(broad)} words match ≥ {BROAD_SHARE:.0%} of the organisations "
            f"(at least {MIN_BROAD_QUERIES} needed): seed more organisations."
        )

    pages = [
        Page("floor /healthz", ["/healthz"]),
        Page("directory", ["/organisations/"]),
        Page("search broad", [f"/organisations/?q={quote(w)}" for w in broad]),
        Page("search rare", [f"/organisations/?q={quote(w)}" for w in rare]),
    ]
    pairs = (
        Organisation.objects.public()
        .values("kind", "region_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind", "region_id")[:5]
    )
    pages.append(
        Page(
            "search facets",
            [f"/organisations/?kind={p['kind']}&region={p['region_id']}" for p in pairs],
        )
    )
    slugs = Organisation.objects.public().order_by("pk").values_list("slug", flat=True)
    step = max(1, len(slugs) // SAMPLE_OBJECTS)
    pages.append(Page("organisation", [f"/organisations/{s}/" for s in list(slugs[::step])[:20]]))

    member = users.filter(email="entreprise@poles.example").first()
    if member is None:
        pages.append(Page("project", [], skipped="no demo account entreprise@poles.example"))
    else:
        ids = list(Project.objects.visible_to(member).order_by("pk").values_list("pk", flat=True))
        pages.append(
            Page(
                "project",
                [f"/projets/{pk}/" for pk in ids[:SAMPLE_OBJECTS]],
                cookie=f"sessionid={make_session(member, mfa=False)}",
                skipped="" if ids else "entreprise@poles.example sees no project",
            )
        )

    pages.append(_staff_page("ranking", "gestionnaire@poles.example", _ranking_urls))
    admin_urls = [f"/admin/members/organisation/?q={quote(w)}" for w in broad]
    pages.append(_staff_page("admin search", "admin@poles.example", lambda _u: admin_urls))
    return pages


def _ranking_urls(user):
    from funding.permissions import managed_calls

    slugs = managed_calls(user).order_by("pk").values_list("slug", flat=True)[:SAMPLE_OBJECTS]
    return [f"/comite/{slug}/classement/" for slug in slugs]


def _staff_page(name, email, urls_for):
    """A page for a person who must use two-factor authentication (config.mfa)."""
    from django.contrib.auth import get_user_model

    from config.mfa import has_active_totp

    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        return Page(name, [], skipped=f"no demo account {email}")
    if not has_active_totp(user):
        return Page(name, [], skipped=f"{email} has no authenticator app (config.mfa)")
    urls = urls_for(user)
    if not urls:
        return Page(name, [], skipped=f"nothing to request for {email}")
    return Page(name, urls, cookie=f"sessionid={make_session(user, mfa=True)}")


def count_queries(page: Page) -> tuple[int, list[str]]:
    """The most SQL queries of any of the page's URLs (each requested twice in-process, the
    second one counted: steady state), and the URLs that did not answer 200."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if page.cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = page.cookie.partition("=")[2]
    most, failed = 0, []
    for url in page.urls:
        client.get(url)
        # What a page costs when computed: a cached directory page would count one query.
        with (
            override_settings(DIRECTORY_CACHE_SECONDS=0),
            CaptureQueriesContext(connection) as captured,
        ):
            response = client.get(url)
        if response.status_code != 200:
            failed.append(f"{url} → {response.status_code}")
        most = max(most, len(captured.captured_queries))
    return most, failed


# --- Serving ----------------------------------------------------------------------------------


class Server:
    """gunicorn with 2 workers, in its own process group, stopped on exit."""

    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port
        self.process = None
        # Closed in __exit__ (the server's whole life).
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log")  # noqa: SIM115

    def __enter__(self):
        command = [str(GUNICORN), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(  # noqa: S603 (an argument list, no shell)
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped:\n" + self.tail())
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=2
                ) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within 30 s:\n" + self.tail())

    def tail(self) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-20:])

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __exit__(self, *exc):
        self.stop()
        self.log.close()
        return False


# --- Load -------------------------------------------------------------------------------------


async def _read_response(reader) -> tuple[int, bool]:
    """Status and whether the server keeps the connection open; the body is read and dropped."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        key, _sep, value = line.decode("latin-1").partition(":")
        headers[key.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:
        await reader.read()
        return status, False
    keep = headers.get("connection", "").lower() != "close"
    return status, keep


def warm_up(page: Page, port: int) -> None:
    """Each URL of the page once, one after the other (what a cache would keep)."""
    for url in page.urls:
        request = urllib.request.Request(  # noqa: S310 (our own server on loopback)
            f"http://127.0.0.1:{port}{url}", headers={"Cookie": page.cookie} if page.cookie else {}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()
        except urllib.error.URLError:
            pass  # counted by the measure


async def load(page: Page, *, port: int, seconds: float, concurrency: int) -> PageResult:
    """Requests the page's URLs in turn from `concurrency` connections for `seconds`."""
    result = PageResult(page.name, 0, seconds)
    turn = 0
    deadline = time.monotonic() + seconds
    cookie = f"Cookie: {page.cookie}\r\n" if page.cookie else ""

    async def worker():
        nonlocal turn
        reader = writer = None
        while time.monotonic() < deadline:
            url = page.urls[turn % len(page.urls)]
            turn += 1
            request = (
                f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}"
                "Accept-Language: fr\r\nConnection: keep-alive\r\n\r\n"
            ).encode()
            started = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                await writer.drain()
                status, keep = await _read_response(reader)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            elapsed = time.monotonic() - started
            if time.monotonic() <= deadline:
                result.requests += 1
                result.latencies_ms.append(elapsed * 1000)
                if status != 200:
                    result.errors += 1
            if not keep:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return result


# --- Main -------------------------------------------------------------------------------------


def _env_number(name: str, default: str, kind):
    """A positive number from the environment; a one-line reason and exit 2 otherwise."""
    value = os.environ.get(name) or default
    try:
        number = kind(value)
    except ValueError:
        number = 0
    if not number > 0:
        raise SystemExit(f"{name} must be a positive number, not {value!r}.")
    return number


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="drop the database first")
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the database, measure nothing"
    )
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    orgs = _env_number("BENCH_ORGS", "1000", int)
    seconds = _env_number("BENCH_SECONDS", "10", float)
    concurrency = _env_number("BENCH_CONCURRENCY", "8", int)
    port = _env_number("BENCH_PORT", "8190", int)

    env = django_env(url, port)
    prepare_database(url, orgs, rebuild=args.rebuild, env=env)
    if args.prepare_only:
        return 0
    manage(env, "collectstatic", "--no-input", "-v0")  # DEBUG off: the manifest storage

    os.environ.update(env)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from members.models import Membership, Organisation
    from projects.models import Project

    print(
        f"database {urlsplit(url).path.lstrip('/')}: {Organisation.objects.count()} "
        f"organisations, {Membership.objects.count()} memberships, "
        f"{Project.objects.count()} projects (issue 7 asks, at 100 000 organisations, "
        "20 000 projects and 300 000 memberships)"
    )
    print(
        f"gunicorn 2 workers on 127.0.0.1:{port}, concurrency {concurrency}, {seconds:g} s "
        f"per page, cache {'redis' if env['REDIS_URL'] else 'local memory'}, directory cache "
        f"{'off' if env['DIRECTORY_CACHE_SECONDS'] == '0' else 'on'}"
    )
    if env["REDIS_URL"]:
        from django.core.cache import cache

        cache.clear()  # the bench's own Redis database: no page cached by an earlier run
    pages = build_pages()
    queries = {}
    for page in pages:
        if page.skipped:
            continue
        queries[page.name], failed = count_queries(page)
        for line in failed:
            print(f"  {page.name}: {line}")

    results = []
    with Server(env, port):
        for page in pages:
            if page.skipped:
                result = PageResult(page.name, 0, 0, skipped=page.skipped)
            else:
                # An unrecorded warm-up (every URL once, then a second), then the measure.
                warm_up(page, port)
                asyncio.run(load(page, port=port, seconds=1, concurrency=concurrency))
                result = asyncio.run(
                    load(page, port=port, seconds=seconds, concurrency=concurrency)
                )
                result.queries = queries[page.name]
            results.append(result)
            print(page_line(result), flush=True)
    by_name = {r.name: r for r in results}
    print(
        summary_line(
            floor=by_name["floor /healthz"],
            search=by_name["search broad"],
            admin=by_name["admin search"],
            results=results,
        )
    )
    return 0


def _terminate(_signum, _frame):
    raise SystemExit(143)  # unwinds: gunicorn is stopped on the way out


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except subprocess.CalledProcessError as exc:
        print(f"bench: {' '.join(map(str, exc.cmd[1:]))} failed ({exc.returncode})")
        sys.exit(1)
