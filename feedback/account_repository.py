"""SQL for editors: accounts, hashed API tokens, hashed session ids and the failed-login throttle; and the log of
searches that found nothing. Works inside a caller's transaction."""

from __future__ import annotations

from .store import Row, Tx


class AccountRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    def add_editor(self, name: str, password_hash: str, now: str) -> None:
        self.tx.execute("INSERT INTO editors (name, password_hash, created_at) VALUES (?, ?, ?)", (name, password_hash, now))

    def password_hash(self, name: str) -> str | None:
        value = self.tx.scalar("SELECT password_hash FROM editors WHERE name = ?", (name,))
        return None if value is None else str(value)

    def set_password_hash(self, name: str, password_hash: str) -> None:
        self.tx.execute("UPDATE editors SET password_hash = ? WHERE name = ?", (password_hash, name))

    def editor_names(self) -> list[str]:
        return [r["name"] for r in self.tx.all("SELECT name FROM editors ORDER BY name")]

    def editor_exists(self, name: str) -> bool:
        return self.tx.one("SELECT name FROM editors WHERE name = ?", (name,)) is not None

    def add_token(self, token_hash: str, editor: str, now: str) -> None:
        self.tx.execute("INSERT INTO api_tokens (token_hash, editor, created_at) VALUES (?, ?, ?)", (token_hash, editor, now))

    def token_editor(self, token_hash: str) -> str | None:
        value = self.tx.scalar("SELECT editor FROM api_tokens WHERE token_hash = ?", (token_hash,))
        return None if value is None else str(value)

    def add_session(self, id_hash: str, editor: str, now: str, expires_at: str) -> None:
        self.tx.execute(
            "INSERT INTO editor_sessions (id_hash, editor, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (id_hash, editor, now, expires_at),
        )

    def session_editor(self, id_hash: str, now: str) -> str | None:
        value = self.tx.scalar("SELECT editor FROM editor_sessions WHERE id_hash = ? AND expires_at > ?", (id_hash, now))
        return None if value is None else str(value)

    def delete_session(self, id_hash: str) -> None:
        self.tx.execute("DELETE FROM editor_sessions WHERE id_hash = ?", (id_hash,))

    def delete_expired_sessions(self, now: str) -> None:
        self.tx.execute("DELETE FROM editor_sessions WHERE expires_at <= ?", (now,))

    def throttle(self, key: str) -> Row | None:
        return self.tx.one("SELECT failures, locked_until, updated_at FROM login_throttle WHERE key = ?", (key,))

    def lock_throttle(self, key: str, now: str) -> Row:
        """The key's record, created if need be and locked until the transaction ends, so that
        simultaneous sign-ins count one after another (a row lock on PostgreSQL; SQLite has one writer)."""
        self.tx.execute(
            "INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES (?, 0, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            (key, now, now),
        )
        row = self.tx.one(
            "SELECT failures, locked_until, updated_at FROM login_throttle WHERE key = ?" + self.tx.dialect.for_update,
            (key,),
        )
        assert row is not None
        return row

    def set_throttle(self, key: str, failures: int, locked_until: str, now: str) -> None:
        self.tx.execute(
            "INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,"
            " updated_at = excluded.updated_at",
            (key, failures, locked_until, now),
        )

    def clear_throttle(self, key: str) -> None:
        self.tx.execute("DELETE FROM login_throttle WHERE key = ?", (key,))


class SearchLogRepository:
    """Searches that found nothing: the text and the time, never who searched."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    def record(self, query: str, now: str) -> None:
        self.tx.execute("INSERT INTO zero_result_searches (query, created_at) VALUES (?, ?)", (query, now))

    def top(self, since: str, limit: int = 50) -> list[Row]:
        return self.tx.all(
            "SELECT lower(query) AS query, COUNT(*) AS searches, MAX(created_at) AS last_seen"
            " FROM zero_result_searches WHERE created_at >= ?"
            " GROUP BY lower(query) ORDER BY searches DESC, last_seen DESC LIMIT ?",
            (since, limit),
        )

    def prune(self, before: str) -> None:
        self.tx.execute("DELETE FROM zero_result_searches WHERE created_at < ?", (before,))
