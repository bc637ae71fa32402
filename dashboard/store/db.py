"""Every published version of the staff's tables and every attempt, in a database through SQLAlchemy.

SQLite (WAL) in the state folder by default: nothing to install. PostgreSQL by URL for several hosts: the
published version then lives in the database, and every instance follows it. A version's parent is the version
it replaced, unique: two staff publishing from the same base cannot both succeed, the second is told
(``Conflict``) and keeps their draft.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from dashboard.store.tables import Files

DATABASE_FILE = "gestion.sqlite3"
FIRST_AUTHOR = "dossier de données"
FIRST_NOTE = "Version initiale : les fichiers du dossier de données"


class Base(DeclarativeBase):
    pass


class VersionRow(Base):
    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The version this one replaced; unique, so that of two publications from one base only one lands.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("versions.id"), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    author: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str] = mapped_column(sa.Text)
    digest: Mapped[str] = mapped_column(sa.String(64))
    counts: Mapped[str] = mapped_column(sa.Text)  # JSON: rows per table
    summary: Mapped[str] = mapped_column(sa.Text)  # the change in words
    restored_from: Mapped[int | None] = mapped_column(sa.Integer)


class FileRow(Base):
    __tablename__ = "version_files"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("versions.id"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)


class DraftRow(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    author: Mapped[str] = mapped_column(sa.String(200))
    base_id: Mapped[int] = mapped_column(sa.ForeignKey("versions.id"))
    upload_name: Mapped[str] = mapped_column(sa.String(300))
    files: Mapped[bytes] = mapped_column(sa.LargeBinary)  # JSON of name -> text (UTF-8 CSV)
    report: Mapped[str] = mapped_column(sa.Text)  # JSON: the located issues
    ok: Mapped[bool] = mapped_column(sa.Boolean)
    published_as: Mapped[int | None] = mapped_column(sa.Integer)


class AuditRow(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(40))
    detail: Mapped[str] = mapped_column(sa.Text)
    address: Mapped[str] = mapped_column(sa.String(100), default="")


class UserRow(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    password_hash: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))


class SessionRow(Base):
    """A staff login: the cookie holds a random token, the database its hash, so that ending it here (logout,
    time-out) ends it for every copy of the cookie."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    seen_at: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_why: Mapped[str] = mapped_column(sa.String(40), default="")


@dataclass(frozen=True)
class Version:
    id: int
    parent_id: int | None
    created_at: datetime.datetime
    author: str
    note: str
    digest: str
    counts: dict[str, int]
    summary: str
    restored_from: int | None


@dataclass(frozen=True)
class Draft:
    id: int
    created_at: datetime.datetime
    author: str
    base_id: int
    upload_name: str
    files: Files
    report: list[dict]
    ok: bool
    published_as: int | None


@dataclass(frozen=True)
class Audit:
    id: int
    at: datetime.datetime
    actor: str
    action: str
    detail: str
    address: str


class Conflict(Exception):
    """Someone published since the draft's base: ``head`` is the version now served."""

    def __init__(self, head: Version) -> None:
        super().__init__(f"version {head.id} publiée entre-temps")
        self.head = head


def digest_of(files: Files) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{len(files[name])}\0".encode())
        digest.update(files[name])
    return digest.hexdigest()


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def default_url(state_dir: Path) -> str:
    return f"sqlite:///{Path(state_dir) / DATABASE_FILE}"


def _version(row: VersionRow) -> Version:
    return Version(
        row.id,
        row.parent_id,
        _utc(row.created_at),
        row.author,
        row.note,
        row.digest,
        json.loads(row.counts),
        row.summary,
        row.restored_from,
    )


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)  # SQLite keeps no zone


def _encode(files: Files) -> bytes:
    return json.dumps(
        {name: body.decode("utf-8") for name, body in files.items()}, ensure_ascii=False
    ).encode()


def _decode(raw: bytes) -> Files:
    return {name: text.encode("utf-8") for name, text in json.loads(raw).items()}


class Store:
    """The database of versions, drafts, accounts and the audit log."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            Path(self.engine.url.database or ".").parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        # gunicorn forks its workers from a master that has used the database: a child must not share the
        # master's connections (SQLAlchemy's advice: drop the pool's connections, without closing them).
        os.register_at_fork(after_in_child=lambda: self.engine.dispose(close=False))
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # Versions

    def head(self) -> Version | None:
        with self.session() as session:
            row = session.scalars(sa.select(VersionRow).order_by(VersionRow.id.desc()).limit(1)).first()
            return None if row is None else _version(row)

    def head_id(self) -> int | None:
        with self.session() as session:
            return session.scalar(sa.select(sa.func.max(VersionRow.id)))

    def version(self, version_id: int) -> Version | None:
        with self.session() as session:
            row = session.get(VersionRow, version_id)
            return None if row is None else _version(row)

    def versions(self) -> list[Version]:
        with self.session() as session:
            return [
                _version(r) for r in session.scalars(sa.select(VersionRow).order_by(VersionRow.id.desc()))
            ]

    def files(self, version_id: int) -> Files:
        with self.session() as session:
            rows = session.scalars(sa.select(FileRow).where(FileRow.version_id == version_id))
            return {row.name: row.body for row in rows}

    def seed(self, files: Files, counts: dict[str, int]) -> Version:
        """The first version, from the data folder's files, if the database has none yet."""
        head = self.head()
        if head is not None:
            return head
        try:
            return self.publish(files, None, FIRST_AUTHOR, FIRST_NOTE, counts, "version initiale")
        except Conflict as conflict:  # another worker seeded it first
            return conflict.head

    def publish(
        self,
        files: Files,
        base_id: int | None,
        author: str,
        note: str,
        counts: dict[str, int],
        summary: str,
        *,
        restored_from: int | None = None,
    ) -> Version:
        """A new version replacing ``base_id``, in one transaction; ``Conflict`` if ``base_id`` is no longer
        the latest version."""
        try:
            with self.session() as session:
                latest = session.scalar(sa.select(sa.func.max(VersionRow.id)))
                if latest != base_id:
                    raise _Stale
                row = VersionRow(
                    parent_id=base_id,
                    created_at=now(),
                    author=author,
                    note=note,
                    digest=digest_of(files),
                    counts=json.dumps(counts),
                    summary=summary,
                    restored_from=restored_from,
                )
                session.add(row)
                session.flush()
                session.add_all(FileRow(version_id=row.id, name=n, body=b) for n, b in files.items())
                session.flush()
                return _version(row)
        except (IntegrityError, OperationalError, _Stale) as error:
            head = self.head()
            if head is None or head.id == base_id:  # not a conflict: a database failure
                raise error from None
            raise Conflict(head) from None

    # Drafts

    def add_draft(
        self, author: str, base_id: int, upload_name: str, files: Files, report: list[dict], ok: bool
    ) -> int:
        with self.session() as session:
            row = DraftRow(
                created_at=now(),
                author=author,
                base_id=base_id,
                upload_name=upload_name,
                files=_encode(files),
                report=json.dumps(report, ensure_ascii=False),
                ok=ok,
            )
            session.add(row)
            session.flush()
            return row.id

    def draft(self, draft_id: int) -> Draft | None:
        with self.session() as session:
            row = session.get(DraftRow, draft_id)
            if row is None:
                return None
            return Draft(
                row.id,
                _utc(row.created_at),
                row.author,
                row.base_id,
                row.upload_name,
                _decode(row.files),
                json.loads(row.report),
                row.ok,
                row.published_as,
            )

    def draft_count(self) -> int:
        with self.session() as session:
            return int(session.scalar(sa.select(sa.func.count()).select_from(DraftRow)) or 0)

    def mark_published(self, draft_id: int, version_id: int) -> None:
        with self.session() as session:
            row = session.get(DraftRow, draft_id)
            if row is not None:
                row.published_as = version_id

    # Audit

    def audit(self, actor: str, action: str, detail: object = "", address: str = "") -> None:
        text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
        with self.session() as session:
            session.add(AuditRow(at=now(), actor=actor, action=action, detail=text, address=address[:100]))

    def audit_log(self, limit: int = 200) -> list[Audit]:
        with self.session() as session:
            rows = session.scalars(sa.select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
            return [Audit(r.id, _utc(r.at), r.actor, r.action, r.detail, r.address) for r in rows]

    def recent_failures(self, since: datetime.datetime, *, actor: str = "", address: str = "") -> int:
        """Refused logins for this name, or from this address, since ``since`` (rate limiting)."""
        with self.session() as session:
            query = sa.select(sa.func.count(AuditRow.id)).where(
                AuditRow.action == "connexion refusée",
                AuditRow.at >= since,
                AuditRow.actor == actor if actor else AuditRow.address == address,
            )
            return int(session.scalar(query) or 0)

    # Local accounts

    def set_user(self, name: str, password_hash: str) -> None:
        with self.session() as session:
            row = session.get(UserRow, name)
            if row is None:
                session.add(UserRow(name=name, password_hash=password_hash, created_at=now()))
            else:
                row.password_hash = password_hash

    def password_hash(self, name: str) -> str | None:
        with self.session() as session:
            row = session.get(UserRow, name)
            return None if row is None else row.password_hash

    def has_users(self) -> bool:
        with self.session() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(UserRow)) != 0

    # Sessions

    def open_session(self, user: str) -> str:
        """A new session for ``user``: the token for the cookie (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        moment = now()
        with self.session() as session:
            session.add(SessionRow(token_hash=_hashed(token), user=user, created_at=moment, seen_at=moment))
        return token

    def session_user(
        self, token: str, *, idle: datetime.timedelta, longest: datetime.timedelta, touch_after: float = 30.0
    ) -> str | None:
        """Who holds the session ``token``, if it was neither ended nor left unused longer than ``idle`` nor
        opened longer than ``longest`` ago (then it is ended now); marks it used at most every
        ``touch_after`` seconds."""
        moment = now()
        with self.session() as session:
            row = session.get(SessionRow, _hashed(token))
            if row is None or row.ended_at is not None:
                return None
            if moment - _utc(row.seen_at) > idle or moment - _utc(row.created_at) > longest:
                row.ended_at, row.ended_why = moment, "expirée"
                return None
            if (moment - _utc(row.seen_at)).total_seconds() > touch_after:
                row.seen_at = moment
            return row.user

    def end_session(self, token: str, why: str) -> None:
        with self.session() as session:
            row = session.get(SessionRow, _hashed(token))
            if row is not None and row.ended_at is None:
                row.ended_at, row.ended_why = now(), why[:40]

    def forget_sessions(self, before: datetime.datetime) -> int:
        """Sessions ended or opened before ``before`` removed (the journal keeps the logins)."""
        with self.session() as session:
            result = session.execute(sa.delete(SessionRow).where(SessionRow.created_at < before))
            return int(getattr(result, "rowcount", 0) or 0)


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class _Stale(Exception):
    pass


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a publication
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
