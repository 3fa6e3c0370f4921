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
            # What searchLeads filters on, one row per lead, in the order leads were first
            # written (seq): a page is read without decoding every lead.
            self._db.execute("CREATE TABLE IF NOT EXISTS lead_index (code TEXT PRIMARY KEY, "
                             "seq INTEGER NOT NULL UNIQUE, email TEXT, type TEXT, created TEXT, "
                             "language TEXT, country TEXT, generated_from TEXT, products TEXT)")
            if self._db.execute("SELECT COUNT(*) FROM lead_index").fetchone()[0] == 0:
                for code, body in self._db.execute(
                        "SELECT code, body FROM objects WHERE kind='lead' ORDER BY rowid"
                ).fetchall():  # a database file written before the index existed
                    self._index("lead", code, _loads(body))

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
            self._index(kind, code, value)

    def add(self, kind: str, code: str, value: Any) -> bool:
        """Insert unless ``code`` exists, atomically; False when it did exist."""
        body = json.dumps(value, default=_default)
        with self._lock:
            cursor = self._db.execute("INSERT OR IGNORE INTO objects (kind, code, body) "
                                      "VALUES (?,?,?)", (kind, code, body))
            if cursor.rowcount == 1:
                self._index(kind, code, value)
            return cursor.rowcount == 1

    def put_many(self, rows: list[tuple[str, str, Any]]) -> None:
        """Write every (kind, code, value) or none."""
        self.apply(rows, [])

    def apply(self, puts: list[tuple[str, str, Any]],
              deletes: list[tuple[str, str]]) -> None:
        """Delete every (kind, code) of ``deletes``, then write every (kind, code, value) of
        ``puts``: all of it or none."""
        bodies = [(kind, code, json.dumps(value, default=_default)) for kind, code, value in puts]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("DELETE FROM objects WHERE kind=? AND code=?", deletes)
                self._db.executemany("DELETE FROM lead_index WHERE code=?",
                                     [(code,) for kind, code in deletes if kind == "lead"])
                self._db.executemany("INSERT OR REPLACE INTO objects (kind, code, body) "
                                     "VALUES (?,?,?)", bodies)
                for kind, code, value in puts:
                    self._index(kind, code, value)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def all(self, kind: str) -> list[Any]:
        with self._lock:
            rows = self._db.execute("SELECT body FROM objects WHERE kind=? ORDER BY rowid",
                                    (kind,)).fetchall()
        return [_loads(r[0]) for r in rows]

    def codes(self, kind: str) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT code FROM objects WHERE kind=?",
                                                   (kind,)).fetchall()]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM objects").fetchone()[0])

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM objects")
            self._db.execute("DELETE FROM lead_index")

    # -- the lead index ------------------------------------------------------------------------

    def _index(self, kind: str, code: str, record: Any) -> None:
        """Keep the searchable fields of a lead record ({"lead", "meta"}); under the lock."""
        if kind != "lead":
            return
        lead = record.get("lead") or {} if isinstance(record, dict) else {}
        meta = record.get("meta") or {} if isinstance(record, dict) else {}
        billing = lead.get("BillingDetails") or {}
        products = [str(i.get("Code")) for i in lead.get("Items") or []
                    if isinstance(i, dict) and i.get("Code") is not None]
        fields = ((billing.get("Email") or "").lower(), meta.get("Type"),
                  (meta.get("CreatedAt") or "")[:10], (lead.get("Language") or "").lower(),
                  (billing.get("CountryCode") or "").lower(),
                  (lead.get("GeneratedFrom") or "").lower(), json.dumps(products))
        self._db.execute(
            "INSERT INTO lead_index (code, seq, email, type, created, language, country, "
            "generated_from, products) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM "
            "lead_index), ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
            "email=excluded.email, type=excluded.type, created=excluded.created, "
            "language=excluded.language, country=excluded.country, "
            "generated_from=excluded.generated_from, products=excluded.products",
            (code, *fields))

    def search_leads(self, filters: dict[str, Any], page: int,
                     limit: int) -> tuple[list[Any], int]:
        """(the page's lead records, how many match), in the order leads were first written.
        Without filters a page is a range of ``seq`` (the same cost for page 1 and page 1,000);
        with filters SQLite selects the codes and only the page's records are decoded."""
        where, params = [], []
        for column, key in (("email", "Email"), ("language", "Language"),
                            ("country", "Country"), ("generated_from", "GeneratedFrom")):
            if filters.get(key):
                where.append(f"i.{column} = ?")
                params.append(str(filters[key]).lower())
        if filters.get("Type"):
            where.append("i.type = ?")
            params.append(filters["Type"])
        if filters.get("StartDate"):
            where.append("i.created >= ?")
            params.append(filters["StartDate"])
        if filters.get("EndDate"):
            where.append("i.created <= ?")
            params.append(filters["EndDate"])
        if filters.get("LeadCode"):
            where.append("i.code IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(filters["LeadCode"])))
        if filters.get("ProductCode"):
            where.append("EXISTS (SELECT 1 FROM json_each(i.products) WHERE value IN "
                         "(SELECT value FROM json_each(?)))")
            params.append(json.dumps(list(filters["ProductCode"])))
        condition = " AND ".join(where) or "1"
        start = (page - 1) * limit
        with self._lock:
            # the condition holds fixed column names only; every value is a parameter
            count = int(self._db.execute(
                f"SELECT COUNT(*) FROM lead_index i WHERE {condition}",  # noqa: S608
                params).fetchone()[0])
            dense = not where and self._db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM lead_index").fetchone()[0] == count
            if dense:  # seq is 1..count: the page is a range, no rows skipped
                query = ("SELECT o.body FROM lead_index i JOIN objects o ON o.kind='lead' "
                         "AND o.code=i.code WHERE i.seq > ? AND i.seq <= ? ORDER BY i.seq")
                rows = self._db.execute(query, (start, start + limit)).fetchall()
            else:
                query = (f"SELECT o.body FROM lead_index i JOIN objects o "  # noqa: S608
                         f"ON o.kind='lead' AND o.code=i.code WHERE {condition} "
                         "ORDER BY i.seq LIMIT ? OFFSET ?")
                rows = self._db.execute(query, (*params, limit, start)).fetchall()
        return [_loads(r[0]) for r in rows], count

    def close(self) -> None:
        with self._lock:
            self._db.close()
