"""One state store behind all three protocols: SQLite, in memory or in a file.

Objects are kept as JSON text in their canonical form (see ``schema.canonical``); ``Decimal``
travels as a string and is typed again on the way out, so nothing is rounded through float.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from decimal import Decimal
from typing import Any, Optional


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"cannot store {type(value).__name__}")


def _hook(obj: dict[str, Any]) -> Any:
    if list(obj) == ["$decimal"]:
        return Decimal(obj["$decimal"])
    return obj


def _int(text: str) -> Any:
    # a file written by hand or by an older sandbox may hold integers Python will not convert
    # from text (over 4,300 digits): keep them as Decimal, the encoders cope with any number
    return int(text) if len(text) <= 40 else Decimal(text)


def _loads(text: str) -> Any:
    return json.loads(text, object_hook=_hook, parse_int=_int)


class Store:
    """Objects by kind and code: leads (with metadata the API does not show: type, dates),
    products, SKUs, subscriptions, partners, resellers and products' review states."""

    def __init__(self, path: Optional[str] = None) -> None:
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False,
                                   isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
            self._db.execute("CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, "
                             "code TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, code))")

    def get(self, kind: str, code: str) -> Optional[Any]:
        with self._lock:
            row = self._db.execute("SELECT body FROM objects WHERE kind=? AND code=?",
                                   (kind, code)).fetchone()
        return None if row is None else _loads(row[0])

    def put(self, kind: str, code: str, value: Any) -> None:
        body = json.dumps(value, default=_default)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO objects (kind, code, body) VALUES (?,?,?)",
                             (kind, code, body))

    def add(self, kind: str, code: str, value: Any) -> bool:
        """Insert unless ``code`` exists, atomically; False when it did exist."""
        body = json.dumps(value, default=_default)
        with self._lock:
            cursor = self._db.execute("INSERT OR IGNORE INTO objects (kind, code, body) "
                                      "VALUES (?,?,?)", (kind, code, body))
            return cursor.rowcount == 1

    def put_many(self, rows: list[tuple[str, str, Any]]) -> None:
        """Write every (kind, code, value) or none."""
        bodies = [(kind, code, json.dumps(value, default=_default)) for kind, code, value in rows]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("INSERT OR REPLACE INTO objects (kind, code, body) "
                                     "VALUES (?,?,?)", bodies)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def apply(self, puts: list[tuple[str, str, Any]],
              deletes: list[tuple[str, str]]) -> None:
        """Delete every (kind, code) of ``deletes``, then write every (kind, code, value) of
        ``puts``: all of it or none."""
        bodies = [(kind, code, json.dumps(value, default=_default)) for kind, code, value in puts]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("DELETE FROM objects WHERE kind=? AND code=?", deletes)
                self._db.executemany("INSERT OR REPLACE INTO objects (kind, code, body) "
                                     "VALUES (?,?,?)", bodies)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def all(self, kind: str) -> list[Any]:
        with self._lock:
            rows = self._db.execute("SELECT body FROM objects WHERE kind=? ORDER BY rowid",
                                    (kind,)).fetchall()
        return [_loads(r[0]) for r in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM objects").fetchone()[0])

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM objects")

    def close(self) -> None:
        with self._lock:
            self._db.close()
