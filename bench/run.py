"""The directory under load, uncached and cached, beside Datasette: `make bench`.

One command, start to finish: create throwaway PostgreSQL databases, migrate, fill them
with `generate_directory`, serve the site with gunicorn as in production (DEBUG off, 2
workers), and serve the same published agreements from Datasette (one denormalised
SQLite table with full-text search). For each page type, a pool of distinct random URLs
drawn from the data is walked with wrk, never repeating a URL while the pool lasts, so
the page cache cannot answer: that is the uncached figure. Our server and Datasette
take turns (interleaved rounds), so both see the same machine. Then a few URLs repeated
give the cached figure, single requests alone give the cold one, and the queries of
each page are counted at 100 and at N agreements, with EXPLAIN ANALYZE of the heaviest.
Results go to bench/RESULTS.md, the query plans to bench/README.md. The databases are
dropped at the end, also when the run fails.

    make bench                           # 100,000 agreements
    make bench BENCH_ARGS="--quick"      # 10,000 agreements, shorter runs: for iterating
    .venv/bin/python bench/run.py --help

Pages the site does not serve (yet) are reported as "missing", never a crash.
"""

import argparse
import datetime
import gzip
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
LUA = BENCH / "pool.lua"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
CSV_ROWS = 10_000
CSV_WARM_ROWS = 1_000  # the flat-memory check compares the 10,000-row export with this one
PAGE_SIZE = 20  # rows on our HTML lists; Datasette is set to the same
API_PAGE_SIZE = 50
MIN_SAMPLES = 20  # completed requests per round for a p95 to count against a target
COLD_REQUESTS = 3  # single requests alone per page type; the median is reported
WARMUP_URLS = 200  # of each pool, walked before the first measured round
CACHED_URLS = 20  # of each pool, repeated for the cached figure
CACHE_FILL_TIMES = 8  # requests per cached URL before measuring: every worker holds it
FIELD_PAGES = 40  # field pages drawn from the first 40 of each field
FLOOR_URLS = 300  # search URLs served twice in the probe, for the search page's floor

# Targets, from issue 9.
HTML_P95_MS = 150
API_P95_MS = 100
TYPO_P95_MS = 200
DATASETTE_RATIO = 3.0  # our throughput ÷ Datasette's, on the faceted list and on search
CSV_TARGET_S = 2.0
CSV_FLAT_RATIO = 1.5  # "flat": 10x the rows may take at most 1.5x the peak heap
PAGE_WEIGHT_TARGET = 100 * 1024

# Page types: key, label, kind. Each has a pool of random URLs (``make_pools``).
PAGE_TYPES = [
    ("list", "Agreement list, field + year filters, with facets", "html"),
    ("search", "Search, common words", "html"),
    ("typo", "Search with a typo", "html"),
    ("institution", "Institution page", "html"),
    ("field", "Field page", "html"),
    ("api", "API list, field + year filters", "json"),
    ("csv", "CSV download, field + year filters", "csv"),
    ("network", "Partnership network, varied filters", "html"),
]
RATIO_TARGETS = ("list", "search")
P95_TARGETS = {"typo": TYPO_P95_MS, "api": API_P95_MS}

# Datasette's side: the same filters on the denormalised table, with the same eight
# facets as our agreement list (fields count sub-fields in their parent, as ours do).
DATASETTE_DB = "bench"
DATASETTE_FACETS = [
    ("_facet_array", "fields"),
    ("_facet", "year"),
    ("_facet_array", "institutions"),
    ("_facet_array", "institution_kinds"),
    ("_facet", "kind"),
    ("_facet_array", "countries"),
    ("_facet_array", "regions"),
    ("_facet_array", "cities"),
]
SAMPLE_WORD, SAMPLE_TYPO = "hospital", "hospitl"  # for query counts and plans
STOP_WORDS = {"and", "the", "for", "with", "from", "into", "between", "agreement"}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------------------
# Inside Django (a subprocess per database): pools of URLs, query counts, query plans,
# and the export for Datasette
# --------------------------------------------------------------------------------------


def query(path, params):
    return f"{path}?{urllib.parse.urlencode(params)}" if params else path


def typo(word, rng):
    """One edit (swap, drop, double or change a letter) after the first letter."""
    letters = "aeiounrstlhg"
    for _ in range(10):
        at = rng.randrange(1, len(word))
        edit = rng.choice(("swap", "drop", "double", "change"))
        if edit == "swap" and at < len(word) - 1:
            wrong = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif edit == "drop":
            wrong = word[:at] + word[at + 1 :]
        elif edit == "double":
            wrong = word[:at] + word[at] + word[at:]
        else:
            wrong = word[:at] + rng.choice(letters) + word[at + 1 :]
        if wrong.lower() != word.lower():
            return wrong
    return word[:-1]


def make_pools(size, seed):
    """Up to ``size`` distinct URLs per page type, ours and Datasette's side by side.

    Drawn from the published data by fixed rules with a fixed seed, so every scale and
    every run measures the same kind of request.
    """
    from partnerships.models import Agreement, FocusArea, Institution, InstitutionKind

    rng = random.Random(seed)
    published = Agreement.objects.published()
    fields = list(FocusArea.objects.order_by("slug").values_list("slug", flat=True))
    years = sorted(
        {day.year for day in published.exclude(signed_on=None).dates("signed_on", "year")}
    )
    titles = list(published.order_by("pk").values_list("title", flat=True))
    pools = {}

    def field_year(path, datasette_path, extra=(), datasette_extra=()):
        pairs = [(field, year) for field in fields for year in years]
        rng.shuffle(pairs)
        return [
            (
                query(path, [("field", field), ("year", year), *extra]),
                query(
                    datasette_path,
                    [("fields__arraycontains", field), ("year", year), *datasette_extra],
                )
                if datasette_path
                else None,
            )
            for field, year in pairs[:size]
        ]

    newest = [("_sort_desc", "signed_on")]
    pools["list"] = field_year(
        "/agreements/", f"/{DATASETTE_DB}/agreements", (), newest + DATASETTE_FACETS
    )
    pools["api"] = field_year(
        "/api/agreements/",
        f"/{DATASETTE_DB}/agreements.json",
        (),
        [*newest, ("_size", API_PAGE_SIZE), *DATASETTE_FACETS],
    )
    pools["csv"] = field_year(
        "/agreements/export.csv",
        f"/{DATASETTE_DB}/agreements.csv",
        (),
        [*newest, ("_stream", "on"), ("_size", "max")],
    )
    # No counterpart in Datasette, which draws no network. The filters vary as readers'
    # do: a field and a year, a field alone, a year alone, a city, a kind of institution
    # in a year; a field alone or a kind spans thousands of agreements.
    cities = sorted({city for city in Institution.objects.values_list("city", flat=True) if city})
    kinds = list(InstitutionKind.values)
    network_filters = (
        [[("field", f), ("year", y)] for f in fields for y in years]
        + [[("field", f)] for f in fields]
        + [[("year", y)] for y in years]
        + [[("city", c)] for c in cities]
        + [[("institution_kind", k), ("year", y)] for k in kinds for y in years]
    )
    rng.shuffle(network_filters)
    pools["network"] = [(query("/network/", f), None) for f in network_filters[:size]]

    def words_of(title):
        return [w for w in re.findall(r"[A-Za-z]{4,}", title) if w.lower() not in STOP_WORDS]

    def drawn(make):
        seen, pool = set(), []
        for _ in range(size * 20):
            if len(pool) >= size or not titles:
                break
            words = words_of(rng.choice(titles))
            q = make(words) if words else None
            if q and q.lower() not in seen:
                seen.add(q.lower())
                pool.append(
                    (
                        query("/search/", [("q", q)]),
                        query(f"/{DATASETTE_DB}/agreements", [("_search", q)]),
                    )
                )
        return pool

    # Common words: one or two words of a real title, so that something matches.
    pools["search"] = drawn(lambda words: " ".join(rng.sample(words, min(len(words), 2))))
    # A typo: one edit in a word of five letters or more.
    pools["typo"] = drawn(
        lambda words: (
            typo(rng.choice(long), rng) if (long := [w for w in words if len(w) >= 5]) else None
        )
    )

    slugs = list(
        Institution.objects.filter(party_links__agreement__in=published.values("pk"))
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    pools["institution"] = [
        (f"/institutions/{slug}/", None) for slug in rng.sample(slugs, min(size, len(slugs)))
    ]

    counted = FocusArea.objects.agreement_counts()
    counts = {slug: counted.get(pk, 0) for pk, slug in FocusArea.objects.values_list("pk", "slug")}
    pages = [
        (slug, page)
        for slug in fields
        for page in range(1, min(FIELD_PAGES, math.ceil(counts.get(slug, 0) / PAGE_SIZE)) + 1)
    ]
    rng.shuffle(pages)
    pools["field"] = [
        (query(f"/fields/{slug}/", [("page", page)] if page > 1 else []), None)
        for slug, page in pages[:size]
    ]
    return pools


def sample_paths():
    """One heavy URL per page type, chosen by the same rule at every scale, for the query
    counts and plans: the biggest field (sub-fields included) in the busiest year, the
    institution with most agreements, a common word and a misspelling of it."""
    from django.db.models import Count, Q

    from partnerships.models import Agreement, FocusArea, Institution

    published = Agreement.objects.published()
    counts = FocusArea.objects.agreement_counts()
    tops = FocusArea.objects.top_level().order_by("slug").values_list("pk", "slug")
    field = max(tops, key=lambda top: counts.get(top[0], 0))[1] if tops else None
    year = (
        published.exclude(signed_on=None)
        .values("signed_on__year")
        .annotate(n=Count("pk"))
        .order_by("-n", "-signed_on__year")
        .values_list("signed_on__year", flat=True)
        .first()
    )
    hub = (
        Institution.objects.annotate(
            n=Count("party_links", filter=Q(party_links__agreement__in=published.values("pk")))
        )
        .order_by("-n", "slug")
        .values_list("slug", flat=True)
        .first()
    )
    filters = [("field", field), ("year", year)]
    return {
        "list": query("/agreements/", filters),
        "search": query("/search/", [("q", SAMPLE_WORD)]),
        "typo": query("/search/", [("q", SAMPLE_TYPO)]),
        "institution": f"/institutions/{hub}/",
        "field": f"/fields/{field}/",
        "api": query("/api/agreements/", filters),
        "csv": query("/agreements/export.csv", filters),
        "network": query("/network/", filters),
        "home": "/",
    }


def csv_targets():
    """signed_from filters selecting about 1,000 and 10,000 published agreements."""
    from partnerships.models import Agreement

    published = Agreement.objects.published()
    dated = published.exclude(signed_on=None).order_by("-signed_on")
    dated_count = dated.count()

    def latest(rows):
        if dated_count <= rows:
            return "", published.count()
        cut = dated.values_list("signed_on", flat=True)[rows - 1]
        return f"?signed_from={cut.isoformat()}", published.filter(signed_on__gte=cut).count()

    (full, full_rows), (warm, warm_rows) = latest(CSV_ROWS), latest(CSV_WARM_ROWS)
    return {"csv": full, "csv_rows": full_rows, "csv_warm": warm, "csv_warm_rows": warm_rows}


def count_queries(client, path, explain):
    """Queries of one cold request (empty cache); with ``explain``, the plan of the slowest."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    entry = {"path": path}
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
        entry.update(status=response.status_code, queries=len(queries), bytes=size)
        entry["sql"] = [q["sql"][:300] for q in queries.captured_queries]
    except Exception as error:  # a page being built may fail: report, do not crash
        entry.update(status="error", error=f"{type(error).__name__}: {error}"[:300])
        return entry
    if explain and connection.vendor == "postgresql":
        selects = [q for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]
        if selects:
            slowest = max(selects, key=lambda q: float(q["time"]))
            entry["slowest_ms"] = float(slowest["time"]) * 1000
            try:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
            except Exception as error:
                plan = f"(EXPLAIN failed: {type(error).__name__}: {error})"
            entry["explain"] = {"sql": slowest["sql"], "plan": plan}
    return entry


def export_for_datasette(path):
    """The published agreements as Datasette would serve them: one row each, lists as
    JSON arrays (for its array facets and filters), full-text search over the text."""
    import sqlite3
    from collections import defaultdict

    from partnerships.models import Agreement, AgreementFocusArea, AgreementParty

    published = Agreement.objects.published()
    parties = defaultdict(list)
    for row in (
        AgreementParty.objects.filter(agreement__in=published.values("pk"))
        .order_by("agreement_id", "order", "pk")
        .values_list(
            "agreement_id",
            "institution__slug",
            "institution__name",
            "institution__kind",
            "institution__country",
            "institution__region",
            "institution__city",
        )
        .iterator(chunk_size=10_000)
    ):
        parties[row[0]].append(row[1:])
    fields = defaultdict(dict)
    for agreement_id, slug, name, parent_slug, parent_name in (
        AgreementFocusArea.objects.filter(agreement__in=published.values("pk"))
        .values_list(
            "agreement_id",
            "focus_area__slug",
            "focus_area__name",
            "focus_area__parent__slug",
            "focus_area__parent__name",
        )
        .iterator(chunk_size=10_000)
    ):
        fields[agreement_id][slug] = name
        if parent_slug:  # a parent field holds its sub-fields' agreements, as on our pages
            fields[agreement_id][parent_slug] = parent_name

    def distinct(values):
        return json.dumps(list(dict.fromkeys(v for v in values if v)), ensure_ascii=False)

    database = sqlite3.connect(path)
    database.executescript(
        """
        CREATE TABLE agreements (
            id INTEGER PRIMARY KEY, slug TEXT, title TEXT, kind TEXT, signed_on TEXT,
            year INTEGER, place TEXT, summary TEXT, parties TEXT, field_names TEXT,
            institutions TEXT, institution_kinds TEXT, countries TEXT, regions TEXT,
            cities TEXT, fields TEXT
        );
        """
    )
    rows = []
    for a in (
        published.order_by("pk")
        .values_list("pk", "slug", "title", "kind", "signed_on", "place", "summary")
        .iterator(chunk_size=10_000)
    ):
        pk, signed_on = a[0], a[4]
        links = parties[pk]
        rows.append(
            (
                pk,
                a[1],
                a[2],
                a[3],
                signed_on.isoformat() if signed_on else None,
                signed_on.year if signed_on else None,
                a[5],
                a[6],
                "; ".join(link[1] for link in links),
                "; ".join(fields[pk].values()),
                distinct(link[0] for link in links),
                distinct(link[2] for link in links),
                distinct(link[3] for link in links),
                distinct(link[4] for link in links),
                distinct(link[5] for link in links),
                distinct(fields[pk]),
            )
        )
    database.executemany(f"INSERT INTO agreements VALUES ({', '.join('?' * 16)})", rows)
    # Full-text search as Datasette (and sqlite-utils) set it up: an FTS5 table on the
    # content table, which Datasette finds by itself; indexes for the plain filters.
    database.executescript(
        """
        CREATE VIRTUAL TABLE agreements_fts USING FTS5 (
            title, summary, parties, field_names, content=[agreements]
        );
        INSERT INTO agreements_fts (rowid, title, summary, parties, field_names)
            SELECT id, title, summary, parties, field_names FROM agreements;
        CREATE INDEX agreements_year ON agreements (year);
        CREATE INDEX agreements_kind ON agreements (kind);
        CREATE INDEX agreements_signed_on ON agreements (signed_on);
        ANALYZE;
        """
    )
    database.commit()
    database.close()
    return len(rows)


def probe_main(output, options):
    """In a Django process: pools, query counts (and plans), the Datasette export."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerships.settings")
    import django

    django.setup()
    from django.test import Client

    from partnerships.models import Agreement

    options = json.loads(options)
    pools = make_pools(options["pool"], options["seed"])
    client = Client()
    pages = {}
    for key, sample in sample_paths().items():
        pages[key] = count_queries(client, sample, options["explain"])
    targets = csv_targets()
    result = {
        "pools": pools if options["keep_pools"] else {},
        "pool_sizes": {key: len(pool) for key, pool in pools.items()},
        "pages": pages,
        "targets": targets,
        "published": Agreement.objects.published().count(),
        "agreements": Agreement.objects.count(),
    }
    if pages["csv"].get("status") == 200:
        result["csv_memory"] = csv_memory(client, targets)
    if options.get("floor") and pages["search"].get("status") == 200:
        # The pool's end: the load test rarely reaches it, and this process's cache is
        # its own, so the servers measured later remember none of these results.
        result["search_floor"] = search_floor([ours for ours, _ in pools["search"][-FLOOR_URLS:]])
    if options.get("datasette"):
        started = time.monotonic()
        result["datasette_rows"] = export_for_datasette(options["datasette"])
        result["datasette_seconds"] = time.monotonic() - started
    Path(output).write_text(json.dumps(result, default=str))


def search_floor(paths):
    """What a search page costs the machine once its searching costs nothing.

    The same URLs are served twice through the WSGI application gunicorn runs, with the
    page cache left out: first searched afresh, then with every section's count and ids
    already remembered (``search.first_results``), so that only reading the shown
    records and rendering the page are left. Each pass gives the processor time per
    page of this process and of its PostgreSQL backend: on these cores the page can be
    served at most ``cores × 1000 ÷ (their sum)`` times a second, an upper bound that
    leaves out HTTP, gunicorn and the load generator.
    """
    from wsgiref.util import setup_testing_defaults

    from django.conf import settings
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import override_settings

    def backend_pid():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    statements = []

    def counted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def serve(app, path):
        url = urllib.parse.urlsplit(path)
        environ = {"PATH_INFO": url.path, "QUERY_STRING": url.query, "HTTP_HOST": "127.0.0.1"}
        setup_testing_defaults(environ)
        status = []
        body = b"".join(app(environ, lambda code, headers, *_: status.append(code)))
        if not status[0].startswith("200") or not body:
            raise SystemExit(f"search floor: {path} answered {status[0]}")

    middleware = [m for m in settings.MIDDLEWARE if not m.endswith(".PublicPageCacheMiddleware")]
    with override_settings(MIDDLEWARE=middleware):
        app = get_wsgi_application()
        cache.clear()
        serve(app, "/search/?q=hospital+university")  # templates read, connection open
        backend = backend_pid()
        passes = {}
        for name in ("searched", "remembered"):
            statements.clear()
            python, postgres = time.process_time(), cpu_seconds([backend])
            with connection.execute_wrapper(counted):
                for path in paths:
                    serve(app, path)
            python, postgres = time.process_time() - python, cpu_seconds([backend]) - postgres
            passes[name] = {
                "python_ms": 1000 * python / len(paths),
                "postgres_ms": 1000 * postgres / len(paths),
                "queries": len(statements) / len(paths),
            }
        if backend_pid() != backend:  # PostgreSQL's share would be missing
            return {"state": "connection renewed", "pages": len(paths)}
    for figures in passes.values():
        figures["ceiling_rps"] = (
            os.cpu_count() * 1000 / (figures["python_ms"] + figures["postgres_ms"])
        )
    return {"state": "ok", "pages": len(paths), "cores": os.cpu_count(), **passes}


def csv_memory(client, targets):
    """Peak Python heap while streaming the ~1,000-row and the ~10,000-row export.

    tracemalloc counts every allocation, so unlike a process's resident size this is
    exact and unaffected by other load. A streamed export's peak stays about the same
    for ten times the rows; one built in memory grows with them.
    """
    import tracemalloc

    peaks = {}
    for label, filters in (("warm", targets["csv_warm"]), ("full", targets["csv"])):
        tracemalloc.start()
        tracemalloc.reset_peak()
        response = client.get("/agreements/export.csv" + filters)
        size = sum(len(chunk) for chunk in response.streaming_content)
        peaks[label] = {"peak_kb": tracemalloc.get_traced_memory()[1] // 1024, "bytes": size}
        tracemalloc.stop()
    return peaks


# --------------------------------------------------------------------------------------
# The orchestration
# --------------------------------------------------------------------------------------


def database_url(server_url, name):
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(server_url, statement):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else None


def django_env(url, secret):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="partnerships.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secret,
        # testserver: Django's test client, used only to count queries.
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        # wrk is one client address: the API's per-address limit would answer 429s.
        DJANGO_API_RATE_LIMIT="",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *arguments):
    command = [str(BIN / "python"), "manage.py", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(arguments)} failed ({result.returncode}).\n"
            f"{result.stderr[-3000:]}"
        )
    return result.stdout


def probe(env, workdir, label, **options):
    output = Path(workdir) / f"probe-{label}.json"
    command = [str(BIN / "python"), str(Path(__file__).resolve()), "--_probe", str(output)]
    command += ["--_probe-options", json.dumps(options)]
    result = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"probe ({label}) failed:\n{result.stderr[-3000:]}")
    return json.loads(output.read_text())


def ensure_tools():
    if not shutil.which("wrk") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: installing the Debian package")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if not shutil.which("wrk"):
        raise SystemExit(
            "The benchmark needs wrk: install it (Debian/Ubuntu: apt-get install wrk)."
        )
    if not (BIN / "datasette").exists():
        raise SystemExit(
            "The benchmark needs Datasette: pip install -e '.[bench]' (make bench does)."
        )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, timeout=120):
    """(status, body, headers, seconds to the last byte); status None when unreachable."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
            return response.status, body, dict(response.headers), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, body, dict(error.headers), time.perf_counter() - started
    except (urllib.error.URLError, OSError) as error:
        return None, str(error).encode(), {}, time.perf_counter() - started


class AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])


def page_weight(base, page_url, html):
    """HTML plus the CSS and JS it loads, raw and gzipped."""
    parser = AssetParser()
    parser.feed(html.decode("utf-8", "replace"))
    raw, zipped = len(html), len(gzip.compress(html))
    for href in dict.fromkeys(parser.assets):
        url = urllib.parse.urljoin(page_url, href)
        if url.startswith(base):
            status, body, _, _ = fetch(url)
            if status == 200:
                raw += len(body)
                zipped += len(gzip.compress(body))
    return {"raw": raw, "gzip": zipped}


# -- the servers -------------------------------------------------------------------------


def children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids):
    """User + system CPU time of processes, from /proc/<pid>/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def postgres_backends(server_url, database):
    """Server processes holding connections to the benchmark database (gunicorn's)."""
    rows = admin_sql(
        server_url,
        "SELECT pid FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()",
    )
    return [row[0] for row in rows or []]


def wait_until_idle(pids, limit=120):
    """Requests wrk gave up on may still be running: let them finish before the next run."""
    deadline = time.monotonic() + limit
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pids)
        if now - before < 0.05:
            return
        before = now


def wait_for(process, url, name, logfile):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited:\n{Path(logfile).read_text()[-3000:]}")
        status, *_ = fetch(url, timeout=5)
        if status is not None:
            return
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"{name} did not answer within 60 s.")


def start_gunicorn(env, port, workers, workdir):
    logfile = Path(workdir) / "gunicorn.log"
    command = [str(BIN / "gunicorn"), "partnerships.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    with open(logfile, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    wait_for(process, base + "/healthz", "gunicorn", logfile)
    while len(children(process.pid)) < workers:
        time.sleep(0.2)
    return process, base


def start_datasette(path, port, workdir):
    """Datasette as its documentation suggests serving published data: immutable, with
    facet suggestions off, and time limits high enough that every facet is computed
    (the defaults would drop slow facets and so answer with less than our pages)."""
    logfile = Path(workdir) / "datasette.log"
    command = [str(BIN / "datasette"), "serve", "--immutable", str(path)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    for setting, value in (
        ("suggest_facets", "off"),
        ("default_page_size", PAGE_SIZE),
        ("sql_time_limit_ms", 60_000),
        ("facet_time_limit_ms", 60_000),
    ):
        command += ["--setting", setting, str(value)]
    with open(logfile, "w") as out:
        process = subprocess.Popen(command, cwd=workdir, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    wait_for(process, f"{base}/{DATASETTE_DB}.json", "Datasette", logfile)
    return process, base


def stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- wrk ---------------------------------------------------------------------------------


def wrk(base, paths, duration, args, workdir):
    """Walk ``paths`` (distinct URLs) for ``duration`` seconds; one JSON summary."""
    pool = Path(workdir) / "pool.txt"
    pool.write_text("\n".join(paths) + "\n")
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s"]
    command += ["--timeout", "60s", "-s", str(LUA), base, "--", str(pool), str(args.threads)]
    result = subprocess.run(command, text=True, capture_output=True)
    for line in result.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            run = json.loads(line.removeprefix("WRK_JSON "))
            seconds = run["duration_us"] / 1e6
            return {
                "requests": run["requests"],
                "rps": run["requests"] / seconds if seconds else 0.0,
                "p50_ms": run["p50_us"] / 1000,
                "p95_ms": run["p95_us"] / 1000,
                "p99_ms": run["p99_us"] / 1000,
                "errors": sum(v for k, v in run.items() if k.startswith("errors_")),
                "errors_status": run["errors_status"],
                "repeated": run["repeated"],
                "distinct": len(paths),
            }
    raise RuntimeError(f"wrk gave no result: {result.stdout[-500:]} {result.stderr[-500:]}")


class Server:
    """One side of the comparison: where it answers, and which processes do its work."""

    def __init__(self, name, base, pids):
        self.name, self.base, self.pids = name, base, pids

    def cold(self, paths):
        """Single requests alone, each to a URL never asked before."""
        timings, statuses = [], []
        for path in paths:
            status, _, _, seconds = fetch(self.base + path)
            statuses.append(status)
            timings.append(seconds * 1000)
        return {"cold_ms": statistics.median(timings), "cold_all_ms": timings, "status": statuses}

    def fill_cache(self, paths, args, workdir, limit=120):
        """Ask each path several times, concurrently, so that every worker (each with its
        own cache unless a shared one is configured) has answered it at least once."""
        deadline, served = time.monotonic() + limit, 0
        while served < CACHE_FILL_TIMES * len(paths) and time.monotonic() < deadline:
            served += wrk(self.base, paths, 2, args, workdir)["requests"]
        wait_until_idle(self.pids())

    def load(self, paths, duration, args, workdir):
        pids = self.pids()
        before = cpu_seconds(pids)
        run = wrk(self.base, paths, duration, args, workdir)
        run["cpu_ms"] = (cpu_seconds(pids) - before) * 1000 / max(1, run["requests"])
        wait_until_idle(self.pids())
        return run


def measure(key, kind, pool, ours, datasette, args, workdir, heavy_path=None):
    """Cold, uncached rounds (interleaved with Datasette) and cached, for one page type.
    ``heavy_path``: the page type's heavy URL (that of the query counts), weighed too."""
    cold = pool[:COLD_REQUESTS]
    warm = pool[COLD_REQUESTS : COLD_REQUESTS + WARMUP_URLS]
    rest = pool[COLD_REQUESTS + WARMUP_URLS :]
    share = max(1, len(rest) // args.rounds)
    rounds = [rest[n * share : (n + 1) * share] for n in range(args.rounds)]
    compare = datasette is not None and all(ds for _, ds in pool)
    result = {"path": pool[0][0], "pool": len(pool), "ours": {}, "datasette": {}}

    status, body, _, _ = fetch(ours.base + pool[0][0])
    result["status"] = status
    if status == 404:
        result["state"] = "missing"
        return result
    if status != 200:
        result["state"] = "error"
        result["detail"] = body[:300].decode("utf-8", "replace")
        return result
    result["state"] = "ok"
    if kind == "html":
        # The heavier of a typical page (the pool's first) and the heavy one.
        weights = [page_weight(ours.base, ours.base + pool[0][0], body)]
        if heavy_path and heavy_path != pool[0][0]:
            heavy_status, heavy_body, _, _ = fetch(ours.base + heavy_path)
            if heavy_status == 200:
                weights.append(page_weight(ours.base, ours.base + heavy_path, heavy_body))
        result["weight"] = max(weights, key=lambda weight: weight["raw"])
    sides = [("ours", ours, 0)] + ([("datasette", datasette, 1)] if compare else [])
    for name, server, index in sides:
        result[name].update(server.cold([pair[index] for pair in cold]))
        if args.warmup:
            server.load([pair[index] for pair in warm], args.warmup, args, workdir)
    for paths in rounds:  # interleaved: both sides see the same machine
        for name, server, index in sides:
            run = server.load([pair[index] for pair in paths], args.duration, args, workdir)
            result[name].setdefault("rounds", []).append(run)
            log(
                f"  {name}: {run['rps']:.1f} req/s, p95 {run['p95_ms']:.0f} ms"
                + (f", {run['repeated']} repeated URLs" if run["repeated"] else "")
            )
    # Cached: a few URLs already served, repeated; warmed first, so that every worker
    # holds them.
    repeated = [pair[0] for pair in rounds[0][:CACHED_URLS]]
    ours.fill_cache(repeated, args, workdir)
    result["ours"]["cached"] = ours.load(repeated, args.duration, args, workdir)
    log(f"  cached: {result['ours']['cached']['rps']:.1f} req/s")
    return result


# -- the report --------------------------------------------------------------------------


def machine_info(server_url):
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    try:
        postgres = admin_sql(server_url, "SELECT version()")[0][0].split(" on ")[0]
    except Exception as error:
        postgres = f"unknown ({error})"

    def version(*command):
        done = subprocess.run(command, capture_output=True, text=True)
        return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]

    import django

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "postgres": postgres,
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "gunicorn": version(str(BIN / "gunicorn"), "--version"),
        "datasette": version(str(BIN / "datasette"), "--version"),
        "wrk": version("wrk", "-v").split(" [")[0],
        "kernel": os.uname().release,
    }


def ms(value):
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def spread(values, show):
    """One value, or the range over rounds."""
    low, high = min(values), max(values)
    return show(low) if show(low) == show(high) else f"{show(low)}–{show(high)}"


def rate(value):
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def verdict(ok):
    return "met" if ok else "**not met**"


def p95_target(key, kind):
    return P95_TARGETS.get(key, HTML_P95_MS if kind == "html" else None)


def search_floor_lines(floor, search):
    """The search page's floor (``search_floor``) beside Datasette's search in this run."""
    if not floor or floor.get("state") != "ok":
        state = floor.get("state", "not measured") if floor else "not measured"
        return ["## Search: the page's floor", "", f"Not measured ({state}).", ""]
    datasette = [run["rps"] for run in (search or {}).get("datasette", {}).get("rounds", [])]
    ours = [run["rps"] for run in (search or {}).get("ours", {}).get("rounds", [])]
    lines = [
        "## Search: the page's floor",
        "",
        f"The search pool's last {floor['pages']} URLs served twice in the probe's process "
        "through the WSGI application gunicorn runs, the page cache left out: first searched "
        "afresh, then with every section's count and ids already remembered, so that "
        "reading the shown records and rendering the page are all that is left. Processor "
        "time per page, of the process and of its PostgreSQL backend; the ceiling is "
        f"{floor['cores']} cores × 1000 ÷ their sum, an upper bound that leaves out HTTP, "
        "gunicorn and wrk.",
        "",
        "| pass | Python ms | PostgreSQL ms | queries | ceiling req/s | ceiling ÷ Datasette |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, label in (("searched", "searched afresh"), ("remembered", "results remembered")):
        figures = floor[name]
        ratios = [figures["ceiling_rps"] / rps for rps in datasette if rps]
        lines.append(
            f"| {label} | {figures['python_ms']:.1f} | {figures['postgres_ms']:.1f} | "
            f"{figures['queries']:.1f} | {figures['ceiling_rps']:.0f} | "
            f"{spread(ratios, lambda v: f'{v:.2f}') if ratios else '–'} |"
        )
    if ours:
        share = [rps / floor["searched"]["ceiling_rps"] for rps in ours]
        lines += [
            "",
            "Under load the page searched afresh was served at "
            f"{spread([100 * s for s in share], lambda v: f'{v:.0f}')} % of its ceiling "
            f"(the uncached table's {spread(ours, rate)} req/s).",
        ]
    return [*lines, ""]


def write_results(path, context):
    args, results, small, large = (context[k] for k in ("args", "results", "small", "large"))
    machine = context["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (`make bench`) on every run; do not edit by hand. "
        "See bench/README.md for what is measured and how, and for the query plans.",
        "",
        "## Run",
        "",
        f"- Date: {context['date']} (UTC); whole run {context['elapsed'] / 60:.1f} min",
        f"- Command: `{context['command']}`",
        *(
            ["- **Partial**: written after each page type; those not shown were not measured"]
            if context.get("partial")
            else []
        ),
        f"- Scale: {args.agreements:,} agreements (seed {args.seed}), "
        f"{large['published']:,} published; query counts also at {args.small:,}",
        f"- Load: wrk, {args.connections} connections, {args.threads} threads; per page type "
        f"{args.rounds} round(s) of {args.duration} s on each side, ours and Datasette "
        f"taking turns, after {args.warmup} s of warm-up; our server: gunicorn "
        f"`partnerships.wsgi`, {args.workers} sync workers, DEBUG off; Datasette: one "
        "process, `--immutable`, `suggest_facets` off",
        f"- Datasette's table: {large.get('datasette_rows', 0):,} published agreements, "
        "denormalised into one SQLite table with FTS5 in "
        f"{large.get('datasette_seconds', 0):.0f} s",
        "",
        "## Machine",
        "",
        f"- {machine['cores']} cores, {machine['cpu']}, {machine['memory']} RAM, "
        f"Linux {machine['kernel']}",
        f"- {machine['postgres']} on the same machine; Python {machine['python']}, "
        f"Django {machine['django']}, {machine['gunicorn']}, {machine['datasette']}, "
        f"{machine['wrk']}",
        f"- Load average (1 min) before the load test {context['load_before']:.2f}, after "
        f"{context['load_after']:.2f}: the servers, PostgreSQL and wrk share these cores, and "
        "so does anything else running, so absolute numbers move from run to run.",
        "",
        "## Data",
        "",
        (
            f"- Generated {args.agreements:,} agreements in {context['generate_seconds']:.0f} s:"
            if context.get("generate_seconds")
            else f"- {args.agreements:,} agreements:"
        ),
        "",
        "```",
        *context["generate_output"].strip().splitlines(),
        "```",
        "",
        "## Uncached: pools of distinct random URLs",
        "",
        "Each request asks for a URL not asked before in this run (while the pool lasts: "
        "*repeated* counts the requests, ours / Datasette's, that had to reuse one), so the "
        "page cache cannot "
        "answer it. Counts that many URLs share are remembered until the next write, as "
        "for every reader: those of the whole directory, of one filter (a year, a field) "
        "and of one record (an institution's agreements, a field's chart); a request "
        "right after a write computes them (the cold figures below). Ranges are over the "
        "rounds.",
        "",
        "| Page type | pool | requests (ours / Datasette) | ours req/s | ours p50 ms | "
        "ours p95 ms | CPU ms/req | Datasette req/s | Datasette p95 ms | ours ÷ Datasette | "
        "repeated | target |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    slow = f"> {args.duration} s"  # no request completed within a round

    def slow_ms(value):
        return slow if value == math.inf else ms(value)

    def latency(runs, name):
        return spread([run[name] if run["requests"] else math.inf for run in runs], slow_ms)

    checks = []
    for key, label, kind in PAGE_TYPES:
        r = results.get(key, {"state": "not run"})
        if r.get("state") != "ok":
            detail = r.get("state", "not run") + (
                f" (HTTP {r['status']})" if r.get("status") else ""
            )
            lines.append(f"| {label} | {r.get('pool', '–')} | | {detail} | | | | | | | | |")
            checks.append((f"{label}: {detail}", False))
            continue
        ours_runs = r["ours"].get("rounds", [])
        ds_runs = r["datasette"].get("rounds", [])
        # A p95 needs samples: a round with too few requests cannot meet a latency target.
        p95 = max(
            run["p95_ms"] if run["requests"] >= MIN_SAMPLES else math.inf for run in ours_runs
        )
        cells = [
            f"{sum(run['requests'] for run in ours_runs):,}"
            + (f" / {sum(run['requests'] for run in ds_runs):,}" if ds_runs else ""),
            spread([x["rps"] for x in ours_runs], rate),
            latency(ours_runs, "p50_ms"),
            latency(ours_runs, "p95_ms"),
            spread([x["cpu_ms"] for x in ours_runs if x["requests"]] or [math.inf], slow_ms),
        ]
        if ds_runs:
            ratios = [
                o["rps"] / d["rps"] if d["rps"] else math.inf
                for o, d in zip(ours_runs, ds_runs, strict=True)
            ]
            cells += [
                spread([x["rps"] for x in ds_runs], rate),
                latency(ds_runs, "p95_ms"),
                spread(ratios, lambda v: f"{v:.2f}"),
            ]
        else:
            ratios = []
            cells += ["–", "–", "–"]
        repeated = sum(run["repeated"] for run in ours_runs)
        errors = sum(run["errors"] for run in ours_runs)
        shown = f"{repeated:,}"
        if ds_runs:
            shown += f" / {sum(run['repeated'] for run in ds_runs):,}"
        cells.append(shown + (f" ({errors:,} errors)" if errors else ""))
        targets = []
        limit = p95_target(key, kind)
        if limit:
            ok = p95 <= limit
            targets.append(f"p95 ≤ {limit} ms: {verdict(ok)}")
            fewest = min(run["requests"] for run in ours_runs)
            worst = (
                f"worst round {ms(p95)} ms"
                if p95 != math.inf
                else f"a round completed {fewest} requests, fewer than {MIN_SAMPLES}"
            )
            checks.append((f"{label}: p95 ≤ {limit} ms ({worst})", ok))
        if key in RATIO_TARGETS:
            ok = bool(ratios) and min(ratios) >= DATASETTE_RATIO
            targets.append(f"≥ {DATASETTE_RATIO:g}× Datasette: {verdict(ok)}")
            worst = f"{min(ratios):.2f}×" if ratios else "not measured"
            checks.append((f"{label}: ≥ {DATASETTE_RATIO:g}× Datasette (worst round {worst})", ok))
        lines.append(
            f"| {label} | {r['pool']:,} | "
            + " | ".join(cells)
            + f" | {'; '.join(targets) or '–'} |"
        )
    lines += [
        "",
        "CPU ms/req: processor time per request of the gunicorn workers and their PostgreSQL "
        "backends together, from /proc; unlike latency it hardly moves when other processes "
        "share the cores. With 8 connections on 2 workers a request waits for about 3 others, "
        "so latency ≈ 4 × service time. Requests: completed within the rounds; wrk records "
        f"only those, so a page slower than a round ({args.duration} s) shows none, and a "
        "page with few shows a p95 of few samples: read its cold time too.",
        "",
        *search_floor_lines(large.get("search_floor"), results.get("search")),
        "## Cached and cold",
        "",
        f"Cached: {CACHED_URLS} URLs of the pool, already served, repeated (anonymous pages "
        "come from the page cache; the API and downloads are not page-cached). Cold: "
        f"the median of {COLD_REQUESTS} single requests alone, each to a URL never asked before. "
        "Queries: one request with an empty cache, counted with Django's test client, of one "
        "heavy URL per page type chosen by the same rule at both scales (listed below). "
        "Page KB: HTML with its CSS and JS, of the heavier of that URL and the pool's first.",
        "",
        "| Page type | cached req/s | cached p95 ms | cold ms (ours) | cold ms (Datasette) | "
        f"queries @{args.small:,} | queries @{args.agreements:,} | page KB (gzip) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    flat, heavy = [], []
    for key, label, _ in [*PAGE_TYPES, ("home", "Home", "html")]:
        r = results.get(key, {})
        cached = r.get("ours", {}).get("cached")
        ds_cold = r.get("datasette", {}).get("cold_ms")
        q_small = small["pages"].get(key, {})
        q_large = large["pages"].get(key, {})
        qs = q_small.get("queries", "–") if q_small.get("status") == 200 else "–"
        ql = q_large.get("queries", "–") if q_large.get("status") == 200 else "–"
        if key == "csv":
            pass  # streamed in chunks: compared below against the rows
        elif isinstance(qs, int) and isinstance(ql, int):
            flat.append((label, qs == ql))
        else:
            flat.append((label, False))
        weight = r.get("weight")
        if weight:
            heavy.append((label, weight["raw"] >= PAGE_WEIGHT_TARGET))
        lines.append(
            f"| {label} | {rate(cached['rps']) if cached else '–'} | "
            f"{ms(cached['p95_ms']) if cached else '–'} | "
            f"{ms(r['ours']['cold_ms']) if r.get('ours', {}).get('cold_ms') else '–'} | "
            f"{ms(ds_cold) if ds_cold else '–'} | {qs} | {ql} | "
            + (f"{weight['raw'] / 1024:.1f} ({weight['gzip'] / 1024:.1f})" if weight else "–")
            + " |"
        )
    lines += ["", "URLs whose queries were counted, at the large scale:", ""]
    for key, label, _ in [*PAGE_TYPES, ("home", "Home", "html")]:
        if large["pages"].get(key, {}).get("path"):
            lines.append(f"- {label}: `{large['pages'][key]['path']}`")
    lines.append("")

    # Targets.
    lines += ["## Targets", ""]
    for text, ok in checks:
        lines.append(f"- {text}: {verdict(ok)}")
    differing = [label for label, ok in flat if not ok]
    lines.append(
        f"- Query counts equal at {args.small:,} and at {args.agreements:,} agreements: "
        f"{verdict(not differing)}" + (f" (differ: {', '.join(differing)})" if differing else "")
    )
    over = [label for label, is_heavy in heavy if is_heavy]
    lines.append(
        f"- Each HTML page < {PAGE_WEIGHT_TARGET // 1024} KB with its CSS and JS: "
        f"{verdict(not over)}" + (f" (over: {', '.join(over)})" if over else "")
    )
    export = context.get("csv_export")
    heap = large.get("csv_memory")
    if export and heap:
        warm, full = heap["warm"]["peak_kb"], heap["full"]["peak_kb"]
        fast, level = export["seconds"] < CSV_TARGET_S, full <= warm * CSV_FLAT_RATIO
        lines.append(
            f"- CSV of {large['targets']['csv_rows']:,} rows in < {CSV_TARGET_S:.0f} s with flat "
            f"memory: {verdict(fast and level)} — {export['seconds']:.2f} s (median of 3 single "
            f"requests); peak Python heap {full / 1024:.1f} MB against {warm / 1024:.1f} MB for "
            f"{large['targets']['csv_warm_rows']:,} rows"
        )
    lines.append("")
    Path(path).write_text("\n".join(lines))


EXPLAIN_START = "<!-- query plans: written by bench/run.py -->"
EXPLAIN_END = "<!-- end of query plans -->"


def write_plans(context, readme):
    """The heaviest query of each page type and its plan, into ``readme``."""
    large, args = context["large"], context["args"]
    lines = [
        EXPLAIN_START,
        "",
        f"From the run of {context['date']} (UTC), {args.agreements:,} agreements: for each "
        "page type, one request with an empty cache; the slowest of its queries, then "
        "`EXPLAIN (ANALYZE, BUFFERS)` of it.",
        "",
    ]
    for key, label, _ in [*PAGE_TYPES, ("home", "Home", "html")]:
        page = large["pages"].get(key, {})
        if "explain" not in page:
            continue
        lines += [
            f"### {label}: `{page['path']}`",
            "",
            f"{page['queries']} queries; the slowest took {page['slowest_ms']:.0f} ms.",
            "",
            "```sql",
            page["explain"]["sql"][:3000],
            "```",
            "",
            "```",
            page["explain"]["plan"],
            "```",
            "",
        ]
    lines.append(EXPLAIN_END)
    text = readme.read_text() if readme.exists() else ""
    if EXPLAIN_START in text and EXPLAIN_END in text:
        before, rest = text.split(EXPLAIN_START, 1)
        text = before + "\n".join(lines) + rest.split(EXPLAIN_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Query plans\n\n" + "\n".join(lines) + "\n"
    readme.write_text(text)


# --------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="For iterating: 10,000 agreements, 1 round of 5 s, 1 s warm-up "
        "(explicit options still win).",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--small", type=int, default=100, help="Scale of the query-count check.")
    parser.add_argument("--pool", type=int, default=5000, help="Distinct URLs per page type.")
    parser.add_argument("--rounds", type=int, default=2, help="Interleaved rounds per page type.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per round and side.")
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of warm-up per side.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only",
        help="Comma-separated page types to load (default all): "
        + ", ".join(k for k, _, _ in PAGE_TYPES),
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL server to create the throwaway databases on (its maintenance DB).",
    )
    parser.add_argument("--output", default=str(BENCH / "RESULTS.md"))
    parser.add_argument("--keep-db", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument(
        "--reuse-db",
        metavar="NAME",
        help="Measure an existing database (one --keep-db kept) instead of generating one.",
    )
    parser.add_argument("--_probe", help=argparse.SUPPRESS)
    parser.add_argument("--_probe-options", help=argparse.SUPPRESS)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.quick:
        given = {arg.split("=")[0] for arg in argv}
        for option, value in (
            ("agreements", 10_000),
            ("rounds", 1),
            ("duration", 5),
            ("warmup", 1),
        ):
            if f"--{option}" not in given:
                setattr(args, option, value)
    return args


def stop_on_signal(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")  # so that the databases are dropped


def main(argv=None):
    args = parse_args(argv)
    if args._probe:
        return probe_main(args._probe, args._probe_options)
    signal.signal(signal.SIGTERM, stop_on_signal)

    started = time.monotonic()
    ensure_tools()
    machine = machine_info(args.server)
    tag = f"bench_{os.getpid()}"
    names = {"large": args.reuse_db or tag, "small": f"{tag}_small"}
    created, servers = [], []
    workdir = tempfile.mkdtemp(prefix="bench-")
    secret = secrets.token_urlsafe(50)
    context = {"args": args, "machine": machine, "results": {}}
    only = set(args.only.split(",")) if args.only else None
    try:
        for key, name in names.items():
            if key == "large" and args.reuse_db:
                continue
            admin_sql(args.server, f'CREATE DATABASE "{name}"')
            created.append(name)
        env = {
            key: django_env(database_url(args.server, name), secret) for key, name in names.items()
        }
        log(f"databases {', '.join(created)} created; migrating")
        for key in ("small", "large"):
            manage(env[key], "migrate", "--no-input", "--verbosity", "0")
        manage(
            env["small"],
            "generate_directory",
            "--agreements",
            str(args.small),
            "--seed",
            str(args.seed),
        )
        if args.reuse_db:
            context["generate_output"] = (
                f"(database {args.reuse_db} reused, as filled by an earlier run of "
                "generate_directory; migrated, not generated or timed in this run)"
            )
        else:
            log(f"generating {args.agreements:,} agreements")
            generate_started = time.monotonic()
            output = manage(
                env["large"],
                "generate_directory",
                "--agreements",
                str(args.agreements),
                "--seed",
                str(args.seed),
            )
            context["generate_seconds"] = time.monotonic() - generate_started
            context["generate_output"] = output
            print(output, flush=True)
        manage(env["large"], "collectstatic", "--no-input", "--verbosity", "0")

        log("counting queries; drawing the URL pools; exporting for Datasette")
        context["small"] = probe(
            env["small"], workdir, "small", pool=1, seed=args.seed, explain=False, keep_pools=False
        )
        datasette_db = Path(workdir) / f"{DATASETTE_DB}.db"
        context["large"] = large = probe(
            env["large"], workdir, "large", pool=args.pool, seed=args.seed, explain=True,
            keep_pools=True, datasette=str(datasette_db), floor=True,
        )  # fmt: skip
        log(f"pools: {large['pool_sizes']}; Datasette table: {large['datasette_rows']:,} rows")
        args.agreements = large["agreements"]

        gunicorn, base = start_gunicorn(env["large"], free_port(), args.workers, workdir)
        servers.append(gunicorn)
        datasette_process, datasette_base = start_datasette(datasette_db, free_port(), workdir)
        servers.append(datasette_process)
        ours = Server(
            "ours",
            base,
            lambda: children(gunicorn.pid) + postgres_backends(args.server, names["large"]),
        )
        datasette = Server("datasette", datasette_base, lambda: [datasette_process.pid])

        context["load_before"] = os.getloadavg()[0]
        for key, label, kind in PAGE_TYPES:
            if only and key not in only:
                continue
            pool = large["pools"][key]
            log(f"{label}: {len(pool):,} URLs, e.g. {pool[0][0] if pool else '(none)'}")
            if len(pool) < COLD_REQUESTS + WARMUP_URLS + args.rounds:
                context["results"][key] = {"state": "too few URLs", "pool": len(pool)}
                continue
            heavy_path = large["pages"].get(key, {}).get("path")
            context["results"][key] = measure(
                key, kind, pool, ours, datasette, args, workdir, heavy_path
            )
            report(context, started, partial=True)  # a stopped run still leaves its figures
        # Home: one URL, so only cached and cold (an unread parameter makes a new cache key).
        home = {
            "state": "ok",
            "ours": ours.cold([f"/?bench-cold={n}" for n in range(COLD_REQUESTS)]),
        }
        status, body, _, _ = fetch(base + "/")
        home["weight"] = page_weight(base, base + "/", body) if status == 200 else None
        ours.fill_cache(["/"], args, workdir)
        home["ours"]["cached"] = ours.load(["/"], args.duration, args, workdir)
        context["results"]["home"] = home
        context["load_after"] = os.getloadavg()[0]
        if large["targets"]["csv"] and large["pages"]["csv"].get("status") == 200:
            url = base + "/agreements/export.csv" + large["targets"]["csv"]
            timings = sorted(fetch(url)[3] for _ in range(3))
            context["csv_export"] = {"seconds": timings[1], "all": timings}
    finally:
        for process in servers:
            stop(process)
        if args.keep_db:
            log(f"kept databases {', '.join(created)}")
        else:
            for name in created:
                admin_sql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log("databases dropped")
        shutil.rmtree(workdir, ignore_errors=True)

    report(context, started)


def report(context, started, partial=False):
    args = context["args"]
    context["elapsed"] = time.monotonic() - started
    context["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    context["partial"] = partial
    if partial or "load_after" not in context:
        context["load_after"] = os.getloadavg()[0]
    extra = " ".join(sys.argv[1:])
    context["command"] = "make bench" + (f' BENCH_ARGS="{extra}"' if extra else "")
    raw = Path(args.output).with_suffix(".json")
    large = {key: value for key, value in context.get("large", {}).items() if key != "pools"}
    raw.write_text(
        json.dumps({**context, "args": vars(args), "large": large}, indent=1, default=str)
    )
    write_results(args.output, context)
    # A run written elsewhere (a trial) keeps its plans beside its results.
    default = Path(args.output).resolve() == (BENCH / "RESULTS.md").resolve()
    plans = BENCH / "README.md" if default else Path(args.output).with_suffix(".plans.md")
    write_plans(context, plans)
    if not partial:
        log(f"results written to {args.output}; query plans to {plans}")
    print(Path(args.output).read_text())


if __name__ == "__main__":
    main()
