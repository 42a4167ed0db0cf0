"""The corpus database: articles, analyses, claims, stories, ingest runs and rejections.

One :class:`Store` over either back end:

* **SQLite** (the default): one file, WAL journal (readers never block the
  writer), foreign keys on;
* **PostgreSQL** (the server option): a ``postgresql://`` URL, the same schema
  (needs the ``postgres`` extra: ``pip install "storydiff[postgres]"``).

Schema changes are numbered migrations (:data:`MIGRATIONS`), applied in order
and recorded in ``schema_migrations``. **Every write goes through one path**,
:meth:`Store._write`, a transaction that either commits whole or not at all: an
ingest killed midway loses nothing already committed and never leaves half an
article. Reads see only committed data.

An ingest killed outright (``kill -9``, a power cut) cannot mark its run; the
next :meth:`Store.begin_run` marks every run still ``running`` whose process
is gone (same host, the pid dead or reused) ``interrupted``. Runs of other
hosts, and of versions that did not record their process, are left as they
are: nothing here can tell whether they still run. Articles are claimed for
analysis by the run that stores them or finds them unanalysed
(:meth:`Store.claim_pending`); a claim lapses when its run is no longer
``running``, so two ingests at once never analyse the same article twice and
the articles of a killed run are finished by the next.

Tables::

    ingest_runs    one row per ingest: sources, status, new/duplicate/rejected counts, the process running it
    rejections     inputs a run could not use, with the reason
    articles       raw bytes and extracted text, metadata, content hash, MinHash, origin, claiming run
    analyses       per article: the Analysis and the clustering features (JSON), or the error
    claims         per article: one row per claim (kind, subject, attribute, value, offsets, speaker)
    stories        clusterer state, counts, the rendered report (JSON) and when it was made
    sentence_vectors  per article and embedding model: its sentences' embeddings (float32 rows)
    story_members  article -> story
    story_search   per story: its search key (renewed at each change: the listing order) and, on
                   PostgreSQL, its words as a tsvector; on SQLite the words are in story_search_fts
                   (FTS5, rowid = the search key). Written with the story (corpus/search.py)
    story_days     (day, search key): the days a story has an article published on (the first ten
                   characters of the date), for the search by date. Written with story_search
    feeds          ETag / Last-Modified of each feed, for conditional requests
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from storydiff.corpus.search import SEARCH_CHARS, StorySearch, fts5_query, story_document, tsquery
from storydiff.errors import StoreError
from storydiff.records import Analysis, Article, Document
from storydiff.report import codec

if TYPE_CHECKING:
    import numpy as np

    from storydiff.corpus.stories import ArticleFeatures, StoryState

# numpy and the story clusterer (which brings the comparison modules) are imported by the methods
# that need them: opening a store, listing and reading stories, does not load them (issue 12).

__all__ = [
    "MIGRATIONS",
    "AnalysisResult",
    "Migration",
    "NewArticle",
    "RunSummary",
    "Store",
    "StoredArticle",
    "StoryRow",
    "open_store",
]

T = TypeVar("T")

POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# SQLite waits this long for another writer (a second ingest, a web server
# writing) before giving up; a write transaction here takes milliseconds.
BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True, slots=True)
class Migration:
    """A schema change written apart for each back end, and what fills it from the rows already there.

    ``backfill`` runs in the migration's transaction, after its SQL: a store
    migrated with stories in it can search them at once.
    """

    sqlite: str
    postgresql: str
    backfill: Callable[[Store], None] | None = None


def _index_every_story(store: Store) -> None:
    # the day index (migration 6) does not exist yet here: its own migration fills it
    store._index_stories(store._story_ids(), days=False)


def _index_every_story_day(store: Store) -> None:
    store._db.execute(f"INSERT INTO story_days (day, search_id) {_STORY_DAYS}")


# How many of the story documents' commonest words PostgreSQL keeps the frequency of, in tens
# (its statistics target: 100 by default; a tenth of the maximum, 10,000). Collecting them
# takes ANALYZE 2 s on 10^5 stories; a search query is planned in under a millisecond.
_WORD_STATISTICS = 1000

# A plain string is the same SQL on both back ends; {pk}: an auto-numbered primary key;
# {blob}: raw bytes. Filled in per back end.
MIGRATIONS: tuple[str | Migration, ...] = (
    # 1: the first schema
    """
    CREATE TABLE ingest_runs (
        id {pk},
        started TEXT NOT NULL,
        finished TEXT,
        sources TEXT NOT NULL,
        status TEXT NOT NULL,
        new INTEGER NOT NULL DEFAULT 0,
        duplicate INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE rejections (
        id {pk},
        run INTEGER NOT NULL REFERENCES ingest_runs(id),
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE articles (
        id {pk},
        url TEXT UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        path TEXT,
        title TEXT,
        outlet TEXT,
        published TEXT,
        author TEXT,
        language TEXT,
        raw {blob},
        content_type TEXT,
        text TEXT NOT NULL,
        minhash {blob},
        origin INTEGER REFERENCES articles(id),
        run INTEGER REFERENCES ingest_runs(id),
        ingested TEXT NOT NULL
    );
    CREATE INDEX articles_origin ON articles(origin);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE analyses (
        article INTEGER PRIMARY KEY REFERENCES articles(id),
        analysis TEXT,
        features TEXT,
        error TEXT,
        created TEXT NOT NULL
    );
    CREATE TABLE claims (
        id {pk},
        article INTEGER NOT NULL REFERENCES articles(id),
        claim TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        attribute TEXT NOT NULL,
        value TEXT NOT NULL,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        speaker TEXT
    );
    CREATE INDEX claims_article ON claims(article);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        title TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        articles INTEGER NOT NULL DEFAULT 0,
        outlets INTEGER NOT NULL DEFAULT 0,
        origins INTEGER NOT NULL DEFAULT 0,
        conflicts INTEGER,
        first_published TEXT,
        last_published TEXT,
        report TEXT,
        report_made TEXT
    );
    CREATE TABLE story_members (
        article INTEGER PRIMARY KEY REFERENCES articles(id),
        story TEXT NOT NULL REFERENCES stories(id),
        added TEXT NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story);
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked TEXT NOT NULL
    );
    """,
    # 2: which process runs an ingest (to tell a killed run from a live one), and which run
    # claimed an article for analysis (so that two ingests at once analyse it once)
    """
    ALTER TABLE ingest_runs ADD COLUMN host TEXT;
    ALTER TABLE ingest_runs ADD COLUMN pid INTEGER;
    ALTER TABLE ingest_runs ADD COLUMN process TEXT;
    ALTER TABLE articles ADD COLUMN claimed_by INTEGER REFERENCES ingest_runs(id);
    """,
    # 3: the story search in the database (corpus/search.py): one document of words per story,
    # full-text indexed; listing and filtering by outlet and date use indexes
    Migration(
        sqlite="""
        CREATE TABLE story_search (
            id INTEGER PRIMARY KEY,
            story TEXT NOT NULL UNIQUE REFERENCES stories(id)
        );
        CREATE VIRTUAL TABLE story_search_fts USING fts5(
            body, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
        );
        CREATE INDEX stories_updated ON stories(updated);
        CREATE INDEX articles_outlet ON articles(outlet);
        """,
        postgresql="""
        CREATE TABLE story_search (
            id {pk},
            story TEXT NOT NULL UNIQUE REFERENCES stories(id),
            body TSVECTOR NOT NULL
        );
        CREATE INDEX story_search_body ON story_search USING GIN (body);
        CREATE INDEX stories_updated ON stories(updated);
        CREATE INDEX articles_outlet ON articles(outlet);
        """,
        backfill=_index_every_story,
    ),
    # --- tiered ingest (issue 12) ---
    # 4: sentence embeddings per article and embedding model, made once when the article's
    # story is first compared and read back by every later report of that story
    """
    CREATE TABLE sentence_vectors (
        article INTEGER NOT NULL REFERENCES articles(id),
        model TEXT NOT NULL,
        sentences INTEGER NOT NULL,
        dim INTEGER NOT NULL,
        vectors {blob} NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (article, model)
    );
    """,
    # --- end tiered ingest ---
    # 5: what made each stored story report (the comparison's version and its scorer): a report
    # made by another is made again when read, so an upgrade never shows stale findings
    """
    ALTER TABLE stories ADD COLUMN report_version TEXT;
    """,
    # 6: the days each story has an article published on, by search key: a search by date reads
    # the stories of the range off this index instead of every article of the range (issue 12)
    Migration(
        # no foreign key on SQLite: a story_search row with children to check makes each delete
        # of one open a statement savepoint, which flushes FTS5's pending rows every time (a
        # write of stories 30% slower); integrity_problems finds a day of no search row instead
        sqlite="""
        CREATE TABLE story_days (
            day TEXT NOT NULL,
            search_id INTEGER NOT NULL,
            PRIMARY KEY (day, search_id)
        ) WITHOUT ROWID;
        CREATE INDEX story_days_search ON story_days(search_id);
        """,
        postgresql="""
        CREATE TABLE story_days (
            day TEXT NOT NULL,
            search_id BIGINT NOT NULL REFERENCES story_search(id),
            PRIMARY KEY (day, search_id)
        );
        CREATE INDEX story_days_search ON story_days(search_id);
        """,
        backfill=_index_every_story_day,
    ),
    # 7: PostgreSQL's search plans (issue 12). Its planner learns the frequencies of 10,000 words
    # of the story documents (the default, 1,000, leaves every word outside them, and every word
    # start, estimated at 500 stories: a rare word's page then walked the whole search key index
    # looking for 50 of them). The outlet index carries the article ids, so that whether an
    # outlet has an article in a story is one index probe, not a bitmap of all its articles
    # (the outlet list on 10^5 stories: 60 -> 11 ms). SQLite's full-text table plans without
    # statistics, and its outlet index holds the ids already (an index ends with the rowid).
    Migration(
        sqlite="",
        postgresql=f"""
        ALTER TABLE story_search ALTER COLUMN body SET STATISTICS {_WORD_STATISTICS};
        CREATE INDEX IF NOT EXISTS articles_outlet_id ON articles(outlet, id);
        DROP INDEX IF EXISTS articles_outlet;
        """,
    ),
)

# The rows story_days holds, as (day, search_id): a day is the first ten characters of an article's
# date (an article without one has none), once for each story with an article published that day.
_STORY_DAYS = (
    "SELECT DISTINCT substr(a.published, 1, 10) AS day, q.id AS search_id FROM story_search q "
    "JOIN story_members m ON m.story = q.story JOIN articles a ON a.id = m.article "
    "WHERE a.published <> ''"
)


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the corpus holds it: the record, its database id and where it came from."""

    id: int
    article: Article  # article.id is str(id)
    source: str
    origin: int | None  # the article this one copies (a wire reprint), None for an original
    ingested: str


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A document to store in bulk (:meth:`Store.add_articles`), with its hash, MinHash and origin."""

    document: Document
    content_hash: str
    minhash: bytes | None = None
    origin: int | None = None


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """What the analysis stage made of one article: the analysis and features, or the error."""

    article: int
    analysis: Analysis | None = None
    features: ArticleFeatures | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One story as listed: counts, dates and when its report was made."""

    id: str
    title: str | None
    articles: int
    outlets: int
    origins: int
    conflicts: int | None  # None until the report is made
    first_published: str | None
    last_published: str | None
    created: str
    updated: str
    report_made: str | None
    report_version: str | None = None  # what made the stored report (compare.report_version)


@dataclass(frozen=True, slots=True)
class _StoryQuery:
    """The SQL of a story search: the search rows ``q`` to read, in the order of ``key``, and conditions."""

    source: str
    key: str
    where: str
    params: tuple[Any, ...]
    words_only: bool  # the only condition is the full-text match
    count_source: str  # what to count the stories in: ``source``, or less when the conditions allow


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One ingest run and its counts."""

    id: int
    started: str
    finished: str | None
    sources: str
    status: str
    new: int
    duplicate: int
    rejected: int


class _Connection(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def transaction(self) -> contextlib.AbstractContextManager[None]: ...

    def script(self, sql: str) -> None: ...

    def lock_migrations(self) -> None:
        """Inside a transaction: hold off other processes migrating the same database."""
        ...

    def has_table(self, name: str) -> bool: ...

    def data_version(self) -> tuple[int, ...] | None:
        """A value that changes whenever the data may have changed; None when it cannot be told cheaply."""
        ...

    def close(self) -> None: ...


# An arbitrary constant: the advisory lock PostgreSQL holds while storydiff migrates a database.
MIGRATION_LOCK_KEY = 0x5D1F_0001


class _SQLite:
    pk = "INTEGER PRIMARY KEY"
    blob = "BLOB"

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                # another process is turning the same new file to WAL: its lock is brief
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    self._db.close()
                    raise StoreError(
                        f"could not open the database ({exc}); is another program holding it?",
                        input=str(path),
                    ) from None
                time.sleep(0.05)
            except sqlite3.DatabaseError:
                self._db.close()
                raise StoreError(
                    "is not a storydiff database (not SQLite); give a new file name or an existing corpus",
                    input=str(path),
                ) from None
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, tuple(params)).fetchall()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def script(self, sql: str) -> None:
        for statement in _statements(sql):
            self._db.execute(statement)

    def lock_migrations(self) -> None:
        pass  # BEGIN IMMEDIATE already holds the database's one write lock

    def data_version(self) -> tuple[int, ...] | None:
        # PRAGMA data_version moves when another connection commits, total_changes when this one writes
        return (int(self._db.execute("PRAGMA data_version").fetchone()[0]), self._db.total_changes)

    def has_table(self, name: str) -> bool:
        return bool(self.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def close(self) -> None:
        self._db.close()


class _Postgres:
    pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    blob = "BYTEA"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                'PostgreSQL needs the psycopg driver; run: pip install "storydiff[postgres]"', input=url
            ) from None
        try:
            self._db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(
                f"could not connect to PostgreSQL ({reason}); check the URL, the server and the credentials",
                input=_redact(url),
            ) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._db.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), tuple(params))  # type: ignore[arg-type]
            rows = cursor.fetchall() if cursor.description else []
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self._db.transaction():
            yield

    def script(self, sql: str) -> None:
        for statement in _statements(sql):
            self.execute(statement)

    def lock_migrations(self) -> None:
        # held to the end of the transaction; a second migrating process waits here (the
        # number is storydiff's own key among this database's advisory locks)
        self.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK_KEY,))

    def has_table(self, name: str) -> bool:
        return self.execute("SELECT to_regclass(?)", (name,))[0][0] is not None

    def data_version(self) -> tuple[int, ...] | None:
        return None  # PostgreSQL has no cheap counter of other sessions' commits

    def close(self) -> None:
        self._db.close()


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip()]


def _redact(url: str) -> str:
    """A database URL without its password, for messages."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    user = credentials.split(":", 1)[0]
    return f"{scheme}//{user}:***@{tail}"


_HOST = socket.gethostname()


def process_identity(pid: int) -> str | None:
    """What tells process ``pid`` from a later one given the same pid: boot and start time (Linux).

    None where ``/proc`` does not say (other systems): the pid alone is then checked.
    """
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the fields after the command name (in parentheses, which may hold spaces); start time is the 22nd
    fields = stat[stat.rfind(")") + 2 :].split()
    return f"{boot}:{fields[19]}" if len(fields) > 19 else None


def process_alive(pid: int, identity: str | None) -> bool:
    """Whether the process that recorded ``pid`` and ``identity`` (:func:`process_identity`) still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    except OSError:
        return True  # cannot tell: taken for alive, never marked interrupted wrongly
    return identity is None or process_identity(pid) in (identity, None)


def _storable(text: str) -> str:
    """``text`` with lone surrogates and NULs escaped (no database takes the first, PostgreSQL no NUL)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _date(day: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        raise StoreError(f"{day!r} is not a date; give it as YYYY-MM-DD", input=label) from None


def _day(day: str, label: str) -> str:
    """``day`` as ``YYYY-MM-DD`` (it may be given in another ISO form, as ``20240601``)."""
    return _date(day, label).isoformat()


def _next_day(day: str, label: str) -> str | None:
    """The day after ``day`` (``YYYY-MM-DD``); None after the last day there is (9999-12-31)."""
    date = _date(day, label)
    return None if date == dt.date.max else (date + dt.timedelta(days=1)).isoformat()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def open_store(db: str | Path) -> Store:
    """Open (creating and migrating when new) the corpus at ``db``: a SQLite path or a PostgreSQL URL."""
    text = str(db)
    if text.startswith(POSTGRES_SCHEMES):
        return Store(_Postgres(text), label=_redact(text))
    path = Path(text)
    if path.is_dir():
        raise StoreError("is a directory; give a database file name such as news.db", input=text)
    if not path.parent.exists():
        raise StoreError(
            f"the folder {path.parent} does not exist; create it or give another path", input=text
        )
    return Store(_SQLite(path), label=text)


# An article a run may take: unclaimed, its own, or claimed by a run that no longer runs.
_FREE_FOR_RUN = (
    "(claimed_by IS NULL OR claimed_by = ? "
    "OR claimed_by IN (SELECT id FROM ingest_runs WHERE status <> 'running'))"
)
_RUN_COLUMNS = "id, started, finished, sources, status, new, duplicate, rejected"
_ARTICLE_COLUMNS = "id, url, source, path, title, outlet, published, author, language, text, origin, ingested"
_STORY_COLUMNS = (
    "s.id, s.title, s.articles, s.outlets, s.origins, s.conflicts, s.first_published, s.last_published, "
    "s.created, s.updated, s.report_made, s.report_version"
)
# most recently updated first; undated stories after dated ones updated at the same time
# Every outlet spelling among the articles, one index probe each (the next one after the last):
# a plain DISTINCT reads the whole outlet index, 34 ms on PostgreSQL for 233,000 articles
# against 5 ms (SQLite 15 ms against 1 ms) for 300 outlets
_OUTLET_NAMES = (
    "WITH RECURSIVE o(outlet) AS (SELECT MIN(outlet) FROM articles UNION ALL "
    "SELECT (SELECT MIN(a.outlet) FROM articles a WHERE a.outlet > o.outlet) FROM o "
    "WHERE o.outlet IS NOT NULL) SELECT outlet FROM o WHERE outlet IS NOT NULL"
)
# A search by date tests each story's days instead of collecting the range's stories when the
# range holds more than this many rows of the day index and more than this fraction (1/N) of them
# (Store._wide_range).
_NARROW_RANGE = 10_000
_WIDE_RANGE = 4
# Article texts read at once while a story's search document is made.
_TEXT_BATCH = 16


class Store:
    """The corpus: read methods anywhere, writes only through :meth:`_write` transactions."""

    def __init__(self, connection: _Connection, *, label: str) -> None:
        self._db = connection
        self.label = label
        # answers read from the data, each under its name with the data version and the question
        # it was read for, until the data changes (_while_unchanged)
        self._held: dict[str, tuple[tuple[int, ...], tuple[str, ...], Any]] = {}
        self._migrate()

    # --- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return "postgresql" if isinstance(self._db, _Postgres) else "sqlite"

    def schema_version(self) -> int:
        """The number of the last migration applied."""
        rows = self._db.execute("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    def _migrate(self) -> None:
        # an up-to-date database is only read here: opening one (a web request, a
        # `stories` listing) must not take the write lock
        if not self._db.has_table("schema_migrations"):
            with self._write():
                self._db.lock_migrations()
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
                )
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise StoreError(
                f"was written by a newer storydiff (schema {current}, this version knows "
                f"{len(MIGRATIONS)}); upgrade storydiff",
                input=self.label,
            )
        pk, blob = self._db.pk, self._db.blob  # type: ignore[attr-defined]
        for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
            sql = migration if isinstance(migration, str) else getattr(migration, self.backend)
            with self._write():
                # another process opening the same new database may have applied it meanwhile:
                # the version is read again under the write lock
                self._db.lock_migrations()
                if self.schema_version() >= number:
                    continue
                self._db.script(sql.replace("{pk}", pk).replace("{blob}", blob))
                if isinstance(migration, Migration) and migration.backfill is not None:
                    migration.backfill(self)
                self._db.execute(
                    "INSERT INTO schema_migrations (version, applied) VALUES (?, ?)", (number, _now())
                )

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """The one write path: a transaction that commits whole or rolls back."""
        try:
            with self._db.transaction():
                yield
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"the database refused a write ({exc}); is the disk full or the file read-only?",
                input=self.label,
            ) from None

    # --- ingest runs and rejections ------------------------------------------------------

    def begin_run(self, sources: Sequence[str]) -> int:
        """Record the start of an ingest of ``sources`` by this process and return the run id.

        Runs left ``running`` by a process that is gone are marked
        ``interrupted`` first (:meth:`mark_interrupted_runs`).
        """
        self.mark_interrupted_runs()
        pid = os.getpid()
        with self._write():
            rows = self._db.execute(
                "INSERT INTO ingest_runs (started, sources, status, host, pid, process) "
                "VALUES (?, ?, 'running', ?, ?, ?) RETURNING id",
                (_now(), _storable(" ".join(sources)), _HOST, pid, process_identity(pid)),
            )
        return int(rows[0][0])

    def mark_interrupted_runs(self) -> list[int]:
        """Mark ``interrupted`` every run still ``running`` whose process has ended; their ids.

        Only runs of this host with a recorded process are judged: the process
        is gone when its pid is not alive, or is alive but started at another
        time (the pid was reused).
        """
        rows = self._db.execute(
            "SELECT id, pid, process FROM ingest_runs "
            "WHERE status = 'running' AND host = ? AND pid IS NOT NULL",
            (_HOST,),
        )
        ended = [int(run) for run, pid, process in rows if not process_alive(int(pid), process)]
        if ended:
            with self._write():
                for run in ended:
                    self._db.execute(
                        "UPDATE ingest_runs SET status = 'interrupted', finished = ? "
                        "WHERE id = ? AND status = 'running'",
                        (_now(), run),
                    )
        return ended

    def finish_run(self, run: int, status: str) -> None:
        """Mark a run ``done``, ``interrupted`` or ``failed``."""
        with self._write():
            self._db.execute(
                "UPDATE ingest_runs SET finished = ?, status = ? WHERE id = ?", (_now(), status, run)
            )

    def reject(self, run: int, input: str, reason: str) -> None:
        """Record an input the run could not use, and count it.

        A file name that is not UTF-8 (a lone surrogate from the file system) or
        a NUL is written escaped: no rejection is lost for the way it is named.
        """
        with self._write():
            self._db.execute(
                "INSERT INTO rejections (run, input, reason, at) VALUES (?, ?, ?, ?)",
                (run, _storable(input), _storable(reason), _now()),
            )
            self._db.execute("UPDATE ingest_runs SET rejected = rejected + 1 WHERE id = ?", (run,))

    def count_duplicate(self, run: int) -> None:
        """Count an input the corpus already held."""
        with self._write():
            self._db.execute("UPDATE ingest_runs SET duplicate = duplicate + 1 WHERE id = ?", (run,))

    def run(self, run: int) -> RunSummary:
        """One ingest run."""
        rows = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM ingest_runs WHERE id = ?",
            (run,),
        )
        if not rows:
            raise StoreError(f"no ingest run {run}", input=self.label)
        return RunSummary(*rows[0])

    def runs(self) -> list[RunSummary]:
        """Every ingest run, oldest first."""
        rows = self._db.execute(f"SELECT {_RUN_COLUMNS} FROM ingest_runs ORDER BY id")
        return [RunSummary(*r) for r in rows]

    def rejections(self, run: int | None = None) -> list[tuple[int, str, str]]:
        """(run, input, reason) of every rejected input, or of one run's."""
        if run is None:
            rows = self._db.execute("SELECT run, input, reason FROM rejections ORDER BY id")
        else:
            rows = self._db.execute(
                "SELECT run, input, reason FROM rejections WHERE run = ? ORDER BY id", (run,)
            )
        return [(int(r), str(i), str(why)) for r, i, why in rows]

    # --- articles ------------------------------------------------------------------------

    def has_url(self, url: str) -> bool:
        """Whether an article from ``url`` is stored."""
        return bool(self._db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)))

    def article_with_hash(self, content_hash: str) -> int | None:
        """The id of the article whose text has this hash, if any."""
        rows = self._db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,))
        return int(rows[0][0]) if rows else None

    def add_article(
        self, run: int, document: Document, *, content_hash: str, minhash: bytes | None, origin: int | None
    ) -> int | None:
        """Store a harvested document and count it as new; ``None`` when its URL or text is already stored.

        The check and the insert are one transaction, so two ingests racing on
        the same article store it once.
        """
        with self._write():
            return self._insert_article(run, NewArticle(document, content_hash, minhash, origin))

    def add_articles(self, run: int, items: Sequence[NewArticle]) -> list[int | None]:
        """Store many documents in one transaction (a bulk load); their ids, ``None`` where already stored."""
        with self._write():
            return [self._insert_article(run, item) for item in items]

    def _insert_article(self, run: int, item: NewArticle) -> int | None:
        a = item.document.article
        if self._db.execute(
            "SELECT 1 FROM articles WHERE content_hash = ? OR (url IS NOT NULL AND url = ?)",
            (item.content_hash, a.url),
        ):
            self._db.execute("UPDATE ingest_runs SET duplicate = duplicate + 1 WHERE id = ?", (run,))
            return None
        rows = self._db.execute(
            "INSERT INTO articles (url, content_hash, source, path, title, outlet, published, author, "
            "language, raw, content_type, text, minhash, origin, run, ingested, claimed_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                a.url,
                item.content_hash,
                item.document.source,
                a.path,
                a.title,
                a.outlet,
                a.published,
                a.author,
                a.language,
                item.document.raw,
                item.document.content_type,
                a.text,
                item.minhash,
                item.origin,
                run,
                _now(),
                run,  # the run that stores an article analyses it
            ),
        )
        self._db.execute("UPDATE ingest_runs SET new = new + 1 WHERE id = ?", (run,))
        return int(rows[0][0])

    def articles(self, ids: Iterable[int] | None = None) -> list[StoredArticle]:
        """Stored articles by id (in the order given), or all of them in id order."""
        if ids is None:
            rows = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY id")
            return [self._stored(r) for r in rows]
        wanted = list(ids)
        found: dict[int, StoredArticle] = {}
        for chunk in _chunks(wanted):
            marks = ", ".join("?" * len(chunk))
            for r in self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", chunk
            ):
                found[int(r[0])] = self._stored(r)
        missing = [i for i in wanted if i not in found]
        if missing:
            raise StoreError(
                f"no article {missing[0]} in the corpus; list them with `storydiff stories`", input=self.label
            )
        return [found[i] for i in wanted]

    def raw(self, article: int) -> tuple[bytes | None, str | None]:
        """The bytes an article was read from and their MIME type."""
        rows = self._db.execute("SELECT raw, content_type FROM articles WHERE id = ?", (article,))
        return (rows[0][0], rows[0][1]) if rows else (None, None)

    def minhashes(self) -> list[tuple[int, bytes, int | None]]:
        """(id, MinHash bytes, origin) of every article that has one, for the near-duplicate index."""
        rows = self._db.execute(
            "SELECT id, minhash, origin FROM articles WHERE minhash IS NOT NULL ORDER BY id"
        )
        return [(int(i), bytes(m), o) for i, m, o in rows]

    def article_count(self) -> int:
        """How many articles the corpus holds."""
        return int(self._db.execute("SELECT COUNT(*) FROM articles")[0][0])

    @staticmethod
    def _stored(row: tuple[Any, ...]) -> StoredArticle:
        (id_, url, source, path, title, outlet, published, author, language, text, origin, ingested) = row
        article = Article(
            id=str(id_),
            text=text,
            path=path,
            url=url,
            title=title,
            outlet=outlet,
            published=published,
            author=author,
            language=language,
        )
        return StoredArticle(int(id_), article, source, origin, ingested)

    # --- analyses ------------------------------------------------------------------------

    def pending_analysis(self) -> list[int]:
        """Ids of stored articles not analysed yet (an ingest stopped before it got to them)."""
        rows = self._db.execute(
            "SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article = a.id WHERE n.article IS NULL "
            "ORDER BY a.id"
        )
        return [int(r[0]) for r in rows]

    def claim_pending(self, run: int) -> list[int]:
        """Claim for ``run`` every unanalysed article no other live run has claimed; their ids, in order.

        One statement in one transaction: of two ingests claiming at once, each
        article goes to one. A claim held by a run that is no longer ``running``
        (done, failed, interrupted) is taken over.
        """
        with self._write():
            rows = self._db.execute(
                "UPDATE articles SET claimed_by = ? WHERE id IN ("
                "SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article = a.id WHERE n.article IS NULL"
                f") AND {_FREE_FOR_RUN} RETURNING id",
                (run, run),
            )
        return sorted(int(r[0]) for r in rows)

    def save_analyses(self, results: Sequence[AnalysisResult]) -> None:
        """Store a batch of analyses with their claims, in one transaction."""
        now = _now()
        with self._write():
            for r in results:
                self._db.execute("DELETE FROM claims WHERE article = ?", (r.article,))
                self._db.execute("DELETE FROM analyses WHERE article = ?", (r.article,))
                self._db.execute(
                    "INSERT INTO analyses (article, analysis, features, error, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        r.article,
                        codec.dumps(r.analysis) if r.analysis else None,
                        codec.dumps(r.features) if r.features else None,
                        r.error,
                        now,
                    ),
                )
                for c in r.analysis.claims if r.analysis else ():
                    self._db.execute(
                        "INSERT INTO claims (article, claim, kind, subject, attribute, value, start_char, "
                        "end_char, speaker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (r.article, c.id, c.kind, c.subject, c.attribute, c.value, c.start, c.end, c.speaker),
                    )

    def analyses(self, ids: Sequence[int]) -> list[Analysis]:
        """The stored analyses of these articles, in the order given (failed ones left out)."""
        return self._stored_json("analysis", Analysis, ids)

    def features(self, ids: Sequence[int]) -> list[ArticleFeatures]:
        """The stored clustering features of these articles, in the order given (failed ones left out)."""
        from storydiff.corpus.stories import ArticleFeatures

        return self._stored_json("features", ArticleFeatures, ids)

    def _stored_json(self, column: str, cls: type[T], ids: Sequence[int]) -> list[T]:
        found: dict[int, T] = {}
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" * len(chunk))
            for article, data in self._db.execute(
                f"SELECT article, {column} FROM analyses WHERE article IN ({marks}) AND {column} IS NOT NULL",
                chunk,
            ):
                found[int(article)] = codec.loads(cls, data)
        return [found[i] for i in ids if i in found]

    def analysis_errors(self) -> list[tuple[int, str]]:
        """(article, error) of every article whose analysis failed."""
        rows = self._db.execute(
            "SELECT article, error FROM analyses WHERE error IS NOT NULL ORDER BY article"
        )
        return [(int(a), str(e)) for a, e in rows]

    def claim_count(self) -> int:
        """How many claims are stored."""
        return int(self._db.execute("SELECT COUNT(*) FROM claims")[0][0])

    # --- stories -------------------------------------------------------------------------

    def unclustered(self, run: int | None = None) -> list[int]:
        """Analysed articles in no story yet, in publication order (undated last), then id.

        With ``run``, only those it may cluster: not claimed by another run still running.
        """
        where, params = ("", ()) if run is None else (f" AND {_FREE_FOR_RUN}", (run,))
        rows = self._db.execute(
            "SELECT a.id FROM articles a JOIN analyses n ON n.article = a.id "
            "LEFT JOIN story_members m ON m.article = a.id "
            f"WHERE m.article IS NULL AND n.features IS NOT NULL{where} "
            "ORDER BY CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published, a.id",
            params,
        )
        return [int(r[0]) for r in rows]

    def story_states(self) -> list[StoryState]:
        """The clusterer state of every story, in the order they were created."""
        from storydiff.corpus.stories import StoryState

        rows = self._db.execute("SELECT state FROM stories ORDER BY created, id")
        return [codec.loads(StoryState, r[0]) for r in rows]

    def save_stories(self, states: Sequence[StoryState], *, removed: Sequence[str] = ()) -> None:
        """Write new or changed stories and their membership in one transaction; drop ``removed``.

        Each changed story's report is marked stale (made again by the next
        :meth:`save_report`). Counts and dates are recomputed from the members.
        """
        now = _now()
        with self._write():
            for story_id in removed:
                self._unindex_story(story_id)
                self._db.execute("DELETE FROM story_members WHERE story = ?", (story_id,))
                self._db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            for state in states:
                members = [int(m) for m in state.members]
                self._db.execute(
                    "INSERT INTO stories (id, state, created, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated = excluded.updated, "
                    "report = NULL, report_made = NULL, conflicts = NULL",
                    (state.id, codec.dumps(state), now, now),
                )
                for chunk in _chunks(members):
                    marks = ", ".join("?" * len(chunk))
                    self._db.execute(f"DELETE FROM story_members WHERE article IN ({marks})", chunk)
                    for article in chunk:
                        self._db.execute(
                            "INSERT INTO story_members (article, story, added) VALUES (?, ?, ?)",
                            (article, state.id, now),
                        )
                self._refresh_story(state.id)
            self._index_stories([state.id for state in states])

    def _refresh_story(self, story_id: str) -> None:
        rows = self._db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT LOWER(a.outlet)), "
            "COUNT(DISTINCT COALESCE(a.origin, a.id)), MIN(a.published), MAX(a.published) "
            "FROM story_members m JOIN articles a ON a.id = m.article WHERE m.story = ?",
            (story_id,),
        )
        count, outlets, origins, first, last = rows[0]
        title_rows = self._db.execute(
            "SELECT a.title FROM story_members m JOIN articles a ON a.id = m.article "
            "WHERE m.story = ? AND a.title IS NOT NULL "
            "ORDER BY CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published, a.id LIMIT 1",
            (story_id,),
        )
        self._db.execute(
            "UPDATE stories SET articles = ?, outlets = ?, origins = ?, first_published = ?, "
            "last_published = ?, title = ? WHERE id = ?",
            (count, outlets, origins, first, last, title_rows[0][0] if title_rows else None, story_id),
        )

    def stories(self) -> list[StoryRow]:
        """Every story, most recently updated first."""
        return self.search_stories()

    def search_stories(
        self, search: StorySearch | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[StoryRow]:
        """The stories matching ``search`` (all without one), most recently updated first, one page of them.

        The search runs in the database (full-text index, :mod:`storydiff.corpus.search`)
        and reads the stories in the order of their search key, renewed each
        time a story changes: a page is read off an index, never sorted.
        """
        query = self._story_query(search or StorySearch())
        if query is None:
            return []
        params = list(query.params)
        page = ""
        if limit is not None or offset:
            page = " LIMIT ? OFFSET ?"
            # SQLite takes -1 for "no limit", PostgreSQL NULL
            params += [limit if limit is not None else (-1 if self.backend == "sqlite" else None), offset]
        rows = self._db.execute(
            f"SELECT {_STORY_COLUMNS} FROM {query.source} JOIN stories s ON s.id = q.story{query.where} "
            f"ORDER BY {query.key} DESC{page}",
            params,
        )
        return [StoryRow(*r) for r in rows]

    def count_stories(self, search: StorySearch | None = None, *, at_most: int | None = None) -> int:
        """How many stories match ``search`` (all of them without one).

        With ``at_most``, counting may stop past it: a result above ``at_most``
        means "more than ``at_most``" (:data:`~storydiff.corpus.search.COUNTED_EXACTLY`).
        It stops for words alone (and for no search), which are counted match by
        match; words with dates or an outlet are counted whole, off the indexes:
        told to stop early, PostgreSQL's planner expects an early end and scans the
        story documents instead, reading each (a word and a month on 10^5 stories:
        51 ms counted whole, 165 ms stopped at 1,000).
        """
        query = self._story_query(search or StorySearch())
        if query is None:
            return 0
        if not query.where:
            source = "stories"
        elif query.words_only and self.backend == "sqlite":
            source = "story_search_fts WHERE story_search_fts MATCH ?"
        else:
            source = f"{query.count_source}{query.where}"
        if at_most is None or (query.where and not query.words_only):
            sql, params = f"SELECT COUNT(*) FROM {source}", list(query.params)
        else:
            sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {source} LIMIT ?) r"
            params = [*query.params, at_most + 1]
        return int(self._db.execute(sql, params)[0][0])

    def outlets(self) -> list[str]:
        """The outlets of the stories' articles, once each (ignoring case), sorted."""
        rows = self._db.execute(
            f"SELECT o.outlet FROM ({_OUTLET_NAMES}) o WHERE EXISTS "
            "(SELECT 1 FROM articles a JOIN story_members m ON m.article = a.id WHERE a.outlet = o.outlet)"
        )
        names: dict[str, str] = {}
        for (name,) in sorted(rows):
            names.setdefault(name.casefold(), name)
        return sorted(names.values(), key=str.casefold)

    def _outlet_names(self) -> list[str]:
        """Every spelling of an outlet among the articles, read again only when the data changed.

        Reading them walks every distinct outlet of the articles (25 ms on 233,000
        articles), which a search by outlet would otherwise pay for its count and
        again for its page.
        """
        return self._while_unchanged(
            "outlets", (), lambda: [str(n) for (n,) in self._db.execute(_OUTLET_NAMES)]
        )

    def _while_unchanged(self, name: str, question: tuple[str, ...], read: Callable[[], T]) -> T:
        """``read()``, kept under ``name`` for ``question`` until the data changes.

        SQLite tells cheaply when it may have (``_Connection.data_version``: another
        connection's commit or this one's write); PostgreSQL cannot, so there it is
        read each time.
        """
        version = self._db.data_version()
        held = self._held.get(name)
        if version is not None and held is not None and held[:2] == (version, question):
            return held[2]  # type: ignore[no-any-return]
        value = read()
        if version is not None:
            self._held[name] = (version, question, value)
        return value

    def _wide_range(self, dates: Sequence[str], bounds: Sequence[str]) -> bool:
        """Whether the date range holds more than :data:`_NARROW_RANGE` rows of the day index and
        more than 1/:data:`_WIDE_RANGE` of them (SQLite); judged once for a search's count and page.

        Collecting the search keys of a range costs about as much per row of it as testing
        a story's own days costs per story read (measured on 10^5 stories: a month, 4% of the
        rows, is read fastest by its keys; a year or more by testing each story). The rows of
        the range are counted only as far as the answer needs (a millisecond for a month of
        10^5 stories), and the index's own rows only for a range past the narrow limit.
        """
        in_range = " WHERE " + " AND ".join(dates) if dates else ""

        def more_than(rows: int) -> bool:
            sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM story_days d{in_range} LIMIT ?) r"
            return int(self._db.execute(sql, [*bounds, rows + 1])[0][0]) > rows

        def wide() -> bool:
            if not more_than(_NARROW_RANGE):
                return False
            share = int(self._db.execute("SELECT COUNT(*) FROM story_days")[0][0]) // _WIDE_RANGE
            return share <= _NARROW_RANGE or more_than(share)

        return self._while_unchanged("wide range", (*dates, *bounds), wide)

    def _story_query(self, search: StorySearch) -> _StoryQuery | None:
        """How to read the stories ``search`` finds; None when nothing can match."""
        if search.unmatchable:
            return None
        source, key = "story_search q", "q.id"
        conditions: list[str] = []
        params: list[Any] = []
        if search.terms and self.backend == "sqlite":
            # the full-text table leads, read in the order of its rows (the search key)
            source, key = "story_search_fts f JOIN story_search q ON q.id = f.rowid", "f.rowid"
            conditions.append("story_search_fts MATCH ?")
            params.append(fts5_query(search.terms))
        elif search.terms:
            conditions.append("q.body @@ to_tsquery('simple', ?)")
            params.append(tsquery(search.terms))
        if search.outlet is not None:
            # matched ignoring case as Python does (SQLite's LOWER knows ASCII only), then by index
            wanted = search.outlet.casefold()
            names = [n for n in self._outlet_names() if n.casefold() == wanted]
            if not names:
                return None
            conditions.append(
                "q.story IN (SELECT m.story FROM articles a JOIN story_members m ON m.article = a.id "
                f"WHERE a.outlet IN ({', '.join('?' * len(names))}))"
            )
            params += names
        if search.date_from or search.date_to:
            # the search keys of the stories with an article published in the range, off the day
            # index (story_days: a day is the first ten characters of an article's date, and
            # `published >= day` compares the same as `published[:10] >= day`, as `<` the next day)
            dates: list[str] = []
            bounds: list[str] = []
            if search.date_from:
                dates.append("d.day >= ?")
                bounds.append(_day(search.date_from, self.label))
            after = _next_day(search.date_to, self.label) if search.date_to else None
            if after:
                dates.append("d.day < ?")
                bounds.append(after)
            if self.backend == "sqlite" and self._wide_range(dates, bounds):
                # most stories have a day in the range: each story read is tested by its own days
                # (a page stops at its last story) rather than the keys of the range all collected
                in_range = "".join(f" AND {d}" for d in dates)
                conditions.append(f"EXISTS (SELECT 1 FROM story_days d WHERE d.search_id = {key}{in_range})")
            else:
                # on SQLite the unary + keeps the key off FTS5's rowid lookup, which would run the
                # whole word match again for each story of the range
                column = "+f.rowid" if key == "f.rowid" else key
                in_range = " WHERE " + " AND ".join(dates) if dates else ""  # no end: any dated story
                conditions.append(f"{column} IN (SELECT d.search_id FROM story_days d{in_range})")
            params += bounds
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        words_only = len(conditions) == 1 and bool(search.terms)
        # the words and the dates are conditions on the search key alone: counted, the full-text
        # table needs no search row (the outlet condition reads its story)
        count_source = "story_search_fts f" if key == "f.rowid" and search.outlet is None else source
        return _StoryQuery(
            source, key, where, tuple(params), words_only=words_only, count_source=count_source
        )

    def _story_ids(self) -> list[str]:
        return [str(r[0]) for r in self._db.execute("SELECT id FROM stories ORDER BY id")]

    def _index_stories(self, story_ids: Sequence[str], *, days: bool = True) -> None:
        """Write the search document of each story (:func:`story_document`) and, unless ``days`` is
        False (before the migration that made it), its days (``story_days``); inside a write transaction.

        Each gets a new search key, given in the reverse of the listing order
        (:meth:`_listing_order`), so that the keys alone list the stories in it.
        Every change of a story's articles comes here (:meth:`save_stories`), and
        an article's date never changes once stored: the days follow its members.
        """
        for story_id in reversed(self._listing_order(story_ids)):
            members = self._db.execute(
                "SELECT a.id, a.title, a.outlet, a.published FROM story_members m "
                "JOIN articles a ON a.id = m.article "
                "WHERE m.story = ? "
                "ORDER BY CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published, a.id",
                (story_id,),
            )
            body = story_document(
                (r[1] for r in members), (r[2] for r in members), self._texts([int(r[0]) for r in members])
            )
            # a new key each time: the search key orders the stories by their last change
            self._unindex_story(story_id, days=days)
            if self.backend == "sqlite":
                # no RETURNING: in SQLite 3.40 it makes FTS5 flush its pending rows (1 ms a story)
                self._db.execute("INSERT INTO story_search (story) VALUES (?)", (story_id,))
                key = self._db.execute("SELECT id FROM story_search WHERE story = ?", (story_id,))
                self._db.execute(
                    "INSERT INTO story_search_fts (rowid, body) VALUES (?, ?)", (key[0][0], body)
                )
            else:
                key = self._db.execute(
                    "INSERT INTO story_search (story, body) VALUES (?, to_tsvector('simple', ?)) "
                    "RETURNING id",
                    (story_id, body),
                )
            if days:
                # as _STORY_DAYS has them: the first ten characters of each date, once; no date, no day
                for day in sorted({str(r[3])[:10] for r in members if r[3]}):
                    self._db.execute(
                        "INSERT INTO story_days (day, search_id) VALUES (?, ?)", (day, key[0][0])
                    )

    def _listing_order(self, story_ids: Sequence[str]) -> list[str]:
        """``story_ids`` as listed: most recently updated first; of those updated at once, the most
        recently published first (undated last), then by id.
        """
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(story_ids), _CHUNK):
            chunk = list(story_ids[start : start + _CHUNK])
            marks = ", ".join("?" * len(chunk))
            rows += self._db.execute(
                f"SELECT id, updated, last_published FROM stories WHERE id IN ({marks})", chunk
            )
        rows.sort(key=lambda r: r[0])  # stable sorts, the last key first
        rows.sort(key=lambda r: r[2] or "", reverse=True)
        rows.sort(key=lambda r: r[2] is None)
        rows.sort(key=lambda r: r[1], reverse=True)
        return [str(r[0]) for r in rows]

    def _texts(self, ids: Sequence[int]) -> Iterator[str]:
        """The texts of these articles in the order given, fetched a few at a time as they are read."""
        for start in range(0, len(ids), _TEXT_BATCH):
            chunk = list(ids[start : start + _TEXT_BATCH])
            marks = ", ".join("?" * len(chunk))
            found = dict(
                self._db.execute(
                    f"SELECT id, substr(text, 1, {SEARCH_CHARS}) FROM articles WHERE id IN ({marks})", chunk
                )
            )
            yield from (found[i] for i in chunk)

    def _unindex_story(self, story_id: str, *, days: bool = True) -> None:
        for (key,) in self._db.execute("SELECT id FROM story_search WHERE story = ?", (story_id,)):
            if days:
                self._db.execute("DELETE FROM story_days WHERE search_id = ?", (key,))
            if self.backend == "sqlite":
                # by rowid, one at a time: FTS5 scans the whole table for `rowid IN (SELECT ...)`
                self._db.execute("DELETE FROM story_search_fts WHERE rowid = ?", (key,))
        self._db.execute("DELETE FROM story_search WHERE story = ?", (story_id,))

    def story(self, story_id: str) -> StoryRow:
        """One story; :class:`StoreError` naming the fix when there is none by that id."""
        rows = self._db.execute(
            "SELECT id, title, articles, outlets, origins, conflicts, first_published, last_published, "
            "created, updated, report_made, report_version FROM stories WHERE id = ?",
            (story_id,),
        )
        if not rows:
            raise StoreError(
                f"there is no story {story_id!r} in this corpus; list the stories with `storydiff stories`",
                input=self.label,
            )
        return StoryRow(*rows[0])

    def story_articles(self, story_id: str) -> list[StoredArticle]:
        """A story's articles in publication order (undated last), then id."""
        rows = self._db.execute(
            f"SELECT {', '.join('a.' + c.strip() for c in _ARTICLE_COLUMNS.split(','))} "
            "FROM story_members m JOIN articles a ON a.id = m.article WHERE m.story = ? "
            "ORDER BY CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published, a.id",
            (story_id,),
        )
        return [self._stored(r) for r in rows]

    def memberships(self) -> dict[int, str]:
        """Article id -> story id for every clustered article."""
        return {int(a): str(s) for a, s in self._db.execute("SELECT article, story FROM story_members")}

    def story_of(self, article: int) -> str | None:
        """The id of the story an article is in, ``None`` before it is clustered."""
        rows = self._db.execute("SELECT story FROM story_members WHERE article = ?", (article,))
        return str(rows[0][0]) if rows else None

    def stale_stories(self) -> list[str]:
        """Ids of stories whose report has not been made since they last changed."""
        return [
            str(r[0]) for r in self._db.execute("SELECT id FROM stories WHERE report IS NULL ORDER BY id")
        ]

    def save_report(
        self, story_id: str, report_json: str, conflicts: int, version: str | None = None
    ) -> None:
        """Store a story's report (the JSON of :func:`storydiff.report.codec.render_json`).

        ``version`` names what made it (:func:`storydiff.compare.report_version`).
        """
        with self._write():
            self._db.execute(
                "UPDATE stories SET report = ?, report_made = ?, conflicts = ?, report_version = ? "
                "WHERE id = ?",
                (report_json, _now(), conflicts, version, story_id),
            )

    def report(self, story_id: str, version: str | None = None) -> str | None:
        """A story's stored report JSON; ``None`` when it is stale or, given ``version``, made by another."""
        self.story(story_id)
        rows = self._db.execute("SELECT report, report_version FROM stories WHERE id = ?", (story_id,))
        if not rows or (version is not None and rows[0][1] != version):
            return None
        return rows[0][0]

    # --- tiered ingest (issue 12): stored sentence embeddings and deep-tier stories ---------

    def save_sentence_vectors(self, model: str, vectors: Mapping[int, np.ndarray]) -> None:
        """Store the sentence embeddings of articles (article id -> one float32 row per sentence)."""
        import numpy as np

        now = _now()
        with self._write():
            for article, matrix in vectors.items():
                data = np.ascontiguousarray(matrix, dtype=np.float32)
                rows, dim = data.shape if data.ndim == 2 else (0, 0)
                self._db.execute(
                    "INSERT INTO sentence_vectors (article, model, sentences, dim, vectors, created) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article, model) DO UPDATE SET "
                    "sentences = excluded.sentences, dim = excluded.dim, vectors = excluded.vectors, "
                    "created = excluded.created",
                    (article, model, rows, dim, data.tobytes(), now),
                )

    def sentence_vectors(self, model: str, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """The stored sentence embeddings of these articles made by ``model`` (those that have them)."""
        import numpy as np

        found: dict[int, np.ndarray] = {}
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" * len(chunk))
            for article, rows, dim, data in self._db.execute(
                f"SELECT article, sentences, dim, vectors FROM sentence_vectors WHERE model = ? "
                f"AND article IN ({marks})",
                [model, *chunk],
            ):
                matrix = np.frombuffer(bytes(data), dtype=np.float32)
                found[int(article)] = matrix.reshape(int(rows), int(dim))
        return found

    def sentence_vector_count(self) -> int:
        """How many articles have stored sentence embeddings (of any model)."""
        return int(self._db.execute("SELECT COUNT(DISTINCT article) FROM sentence_vectors")[0][0])

    def stale_stories_with(self, min_origins: int) -> list[str]:
        """Stale stories (see :meth:`stale_stories`) told by at least ``min_origins`` independent origins."""
        rows = self._db.execute(
            "SELECT id FROM stories WHERE report IS NULL AND origins >= ? ORDER BY id", (min_origins,)
        )
        return [str(r[0]) for r in rows]

    # --- end tiered ingest ---------------------------------------------------------------

    # --- feeds ---------------------------------------------------------------------------

    def get(self, feed_url: str) -> tuple[str | None, str | None] | None:
        """The ETag and Last-Modified a feed last answered with (the harvester's feed cache)."""
        rows = self._db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (feed_url,))
        return (rows[0][0], rows[0][1]) if rows else None

    def put(self, feed_url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a feed's ETag and Last-Modified for the next conditional request."""
        with self._write():
            self._db.execute(
                "INSERT INTO feeds (url, etag, last_modified, checked) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, checked = excluded.checked",
                (feed_url, etag, last_modified, _now()),
            )

    # --- consistency ---------------------------------------------------------------------

    def analyze(self) -> None:
        """Tidy the indexes after a bulk load, as the database's own upkeep would some time later.

        SQLite gathers the planner's statistics (``ANALYZE``). PostgreSQL also
        vacuums (``VACUUM ANALYZE``, outside any transaction): that merges the
        full-text index's pending list, rows a GIN index takes in unsorted and
        every search must read through until they are merged.
        """
        if self.backend == "postgresql":
            self._db.execute("VACUUM ANALYZE")
        else:
            with self._db.transaction():
                self._db.script("ANALYZE")

    def integrity_problems(self) -> list[str]:
        """What is inconsistent in the database (empty when all is well); tests check it after runs."""
        problems = []
        if isinstance(self._db, _SQLite):
            result = self._db.execute("PRAGMA integrity_check")[0][0]
            if result != "ok":
                problems.append(f"integrity_check: {result}")
            problems += [f"foreign key: {r}" for r in self._db.execute("PRAGMA foreign_key_check")]
            try:  # the full-text index against the documents it holds
                self._db.execute("INSERT INTO story_search_fts (story_search_fts) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as exc:
                problems.append(f"search index: {exc}")
            unindexed = self._db.execute(
                "SELECT COUNT(*) FROM story_search q "
                "WHERE NOT EXISTS (SELECT 1 FROM story_search_fts f WHERE f.rowid = q.id)"
            )[0][0]
            if unindexed:
                problems.append(f"{unindexed} search entries without an indexed document")
        for sql, what in _CONSISTENCY_CHECKS:
            count = self._db.execute(sql)[0][0]
            if count:
                problems.append(f"{count} {what}")
        return problems


# What must count zero in a consistent corpus, and what a non-zero count means.
_CONSISTENCY_CHECKS = (
    (
        "SELECT COUNT(*) FROM story_members m LEFT JOIN stories s ON s.id = m.story WHERE s.id IS NULL",
        "memberships of missing stories",
    ),
    (
        "SELECT COUNT(*) FROM stories s "
        "WHERE NOT EXISTS (SELECT 1 FROM story_members m WHERE m.story = s.id)",
        "stories without articles",
    ),
    (
        "SELECT COUNT(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM story_search q WHERE q.story = s.id)",
        "stories missing from the search index",
    ),
    (
        f"SELECT COUNT(*) FROM ({_STORY_DAYS}) e WHERE NOT EXISTS "
        "(SELECT 1 FROM story_days d WHERE d.day = e.day AND d.search_id = e.search_id)",
        "days of stories' articles missing from the day index",
    ),
    (
        "SELECT COUNT(*) FROM story_days d WHERE NOT EXISTS (SELECT 1 FROM story_search q "
        "JOIN story_members m ON m.story = q.story JOIN articles a ON a.id = m.article "
        "WHERE q.id = d.search_id AND a.published <> '' AND substr(a.published, 1, 10) = d.day)",
        "days in the day index that no article of the story was published on",
    ),
    (
        "SELECT COUNT(*) FROM ingest_runs r "
        "WHERE r.new <> (SELECT COUNT(*) FROM articles a WHERE a.run = r.id)",
        "ingest runs whose new-article count does not match their articles",
    ),
)

# SQLite allows 999 parameters in older builds; stay under it.
_CHUNK = 500


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]
