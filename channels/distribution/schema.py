"""The mailing list's tables and the ordered list of migrations that create and change them.

Adding a table: define it on ``METADATA`` here and append one
``Migration`` to ``MIGRATIONS`` with the next version number.  Never edit a migration
that has shipped: a store records the versions it has applied and runs only newer ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

STATUSES = ("subscribed", "unsubscribed", "bounced")
LEDGER_STATES = ("claimed", "delivered", "deferred", "failed")

METADATA = MetaData()


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})")


SCHEMA_VERSION = Table(
    "schema_version", METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied", String(32), nullable=False),
)

SUBSCRIBERS = Table(
    "subscribers", METADATA,
    Column("id", Integer, primary_key=True),
    Column("email", Text, nullable=False),
    # The address in lower case: one subscriber per address whatever its spelling,
    # the same on SQLite and PostgreSQL (no collation of either is needed).
    Column("key", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("status", String(16), _one_of("status", STATUSES), nullable=False),
    Column("consent_date", String(10), nullable=False),
    Column("soft_bounces", Integer, nullable=False, server_default="0"),
    Column("reason", Text, nullable=False, server_default=""),
    Column("updated", String(32), nullable=False),
)

LEDGER = Table(
    "ledger", METADATA,
    Column("newsletter", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("email", Text, nullable=False),
    Column("state", String(16), _one_of("state", LEDGER_STATES), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("message_id", Text, nullable=False),
    # The opaque handle in this recipient's unsubscribe token (see messages.token).
    Column("handle", Text, nullable=False),
    Column("used", String(32), nullable=False, server_default=""),  # when the link unsubscribed
    Column("reason", Text, nullable=False, server_default=""),
    Column("updated", String(32), nullable=False),
    Index("ledger_handle", "handle", unique=True),
)


PROCESSED_MAIL = Table(
    "processed_mail", METADATA,  # bounce reports and unsubscribe mails already applied
    Column("ident", Text, primary_key=True),  # the Message-ID, or the SHA-256 of the bytes
    Column("processed", String(32), nullable=False),
)


# Who approved which hash, who released, who sent which campaign to how many.  Written only
# by channels/approval/audit.py (INSERT); the database itself refuses UPDATE and DELETE.
AUDIT_LOG = Table(
    "audit_log", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("event", String(16), nullable=False),
    Column("slug", String(200), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("sha256", String(64), nullable=False, server_default=""),
    Column("campaign", String(200), nullable=False, server_default=""),
    Column("count", Integer, nullable=False, server_default="0"),
    Column("detail", Text, nullable=False, server_default=""),
)
_APPEND_ONLY = {
    "sqlite": [f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON "
               "audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
               for verb in ("UPDATE", "DELETE")],
    "postgresql": [f"CREATE OR REPLACE RULE audit_log_no_{verb.lower()} AS ON {verb} TO "
                   "audit_log DO INSTEAD NOTHING" for verb in ("UPDATE", "DELETE")],
}


@dataclass(frozen=True)
class Migration:
    """One step of the schema, applied once per store, in a transaction, in version order."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create(*tables: Table) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        for table in tables:
            table.create(conn)
    return apply


def _audit_log(conn: Connection) -> None:
    # checkfirst: stores from before this migration may have the table (audit.py made it).
    AUDIT_LOG.create(conn, checkfirst=True)
    for guard in _APPEND_ONLY.get(conn.dialect.name, []):
        conn.exec_driver_sql(guard)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "subscribers and the send ledger", _create(SUBSCRIBERS, LEDGER)),
    Migration(2, "mail already processed by 'publish mailbox process'", _create(PROCESSED_MAIL)),
    Migration(3, "the append-only audit log (approvals, releases, sends)", _audit_log),
)
