"""Editors' credentials: argon2 passwords, sha256-hashed API tokens, server-side sessions, CSRF tokens and the
growing delay after failed logins.

Session ids and CSRF tokens are keyed with the secret key, so changing the key simply signs every editor out.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from search_service.errors import Forbidden, TooManyRequests, Unauthorized, Unprocessable

from .account_repository import AccountRepository
from .store import Conflict, Store
from .timeutil import Clock, from_text, to_text
from .validation import EDITOR_NAME

SESSION_COOKIE = "atlas_editor_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 8
# Failed logins allowed before the delay starts; after that it doubles with each failure, up to a cap.
FREE_FAILURES = 3
MAX_LOCK_SECONDS = 900
# An account's own lock stays short, so that nobody can keep an editor out by guessing wrong on purpose;
# the long lock falls on the client that keeps failing.
ACCOUNT_MAX_LOCK_SECONDS = 60
# Failures older than this are forgotten.
FAILURE_MEMORY = timedelta(minutes=15)
# argon2 takes 64 MiB and a good fraction of a second per check; a burst of sign-ins waits its turn.
CONCURRENT_PASSWORD_CHECKS = 2


def lock_seconds(failures: int, cap: int = MAX_LOCK_SECONDS) -> int:
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), cap)


@dataclass(frozen=True)
class Editor:
    name: str
    # None when the request came with an API token: no cookie, so no CSRF token to check.
    session_id: str | None = None


class EditorAuth:
    def __init__(self, store: Store, secret_key: str, clock: Clock) -> None:
        self.store = store
        self._secret = secret_key.encode()
        self.clock = clock
        self._hasher = PasswordHasher()
        self._checking = threading.BoundedSemaphore(CONCURRENT_PASSWORD_CHECKS)

    @functools.cached_property
    def _dummy_hash(self) -> str:
        # Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
        return self._hasher.hash(secrets.token_urlsafe(16))

    def _keyed(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    # Accounts and tokens (the command line)

    def add_editor(self, name: str, password: str) -> None:
        if not EDITOR_NAME.match(name):
            raise Unprocessable("An editor's name is 1–64 letters, digits, dots, dashes or underscores.", {"name": "not a valid name"})
        if len(password) < MIN_PASSWORD:
            raise Unprocessable(f"The password needs at least {MIN_PASSWORD} characters.", {"password": "too short"})
        password_hash = self._hasher.hash(password)
        try:
            with self.store.write() as tx:
                AccountRepository(tx).add_editor(name, password_hash, to_text(self.clock()))
        except Conflict:
            raise Unprocessable(f"There is already an editor named {name!r}.", {"name": "already taken"}) from None

    def new_token(self, name: str) -> str:
        token = "ta_" + secrets.token_urlsafe(32)
        with self.store.write() as tx:
            accounts = AccountRepository(tx)
            if not accounts.editor_exists(name):
                raise Unprocessable(f"There is no editor named {name!r}; add one with `trigger-atlas editor add`.", {"name": "unknown"})
            # A token is 256 random bits, so a plain sha256 is as safe as a slow hash and cheap on every request.
            accounts.add_token(hashlib.sha256(token.encode()).hexdigest(), name, to_text(self.clock()))
        return token

    def token_editor(self, token: str) -> str | None:
        with self.store.read() as tx:
            return AccountRepository(tx).token_editor(hashlib.sha256(token.encode()).hexdigest())

    def editor_names(self) -> list[str]:
        with self.store.read() as tx:
            return AccountRepository(tx).editor_names()

    # Sessions

    def login(self, name: str, password: str, client_hash: str) -> str:
        """A new session id, or Unauthorized; TooManyRequests while an earlier run of failures keeps the door shut."""
        caps = {f"account:{name.lower()}": ACCOUNT_MAX_LOCK_SECONDS, f"client:{client_hash}": MAX_LOCK_SECONDS}
        now = self.clock()
        # The attempt counts as a failure before the slow check, in one write: attempts sent at the same
        # moment each count, so a burst cannot slip past the limit while the first ones are being checked.
        with self.store.write() as tx:
            accounts = AccountRepository(tx)
            rows = {key: accounts.lock_throttle(key, to_text(now)) for key in caps}
            locked_until = max((from_text(r["locked_until"]) for r in rows.values()), default=now)
            if locked_until > now:
                wait = math.ceil((locked_until - now).total_seconds())
                raise TooManyRequests(
                    f"Too many failed sign-ins; try again in {wait} second{'s' if wait != 1 else ''}.",
                    headers={"Retry-After": str(wait)},
                )
            for key, cap in caps.items():
                row = rows[key]
                recent = now - from_text(row["updated_at"]) < FAILURE_MEMORY
                failures = (int(row["failures"]) if recent else 0) + 1
                accounts.set_throttle(key, failures, to_text(now + timedelta(seconds=lock_seconds(failures, cap))), to_text(now))
            stored_hash = accounts.password_hash(name)
        if not self._verify(stored_hash, password):
            raise Unauthorized("That name and password do not match an editor account.")
        session_id = secrets.token_urlsafe(32)
        with self.store.write() as tx:
            accounts = AccountRepository(tx)
            for key in caps:
                accounts.clear_throttle(key)
            assert stored_hash is not None
            if self._hasher.check_needs_rehash(stored_hash):
                accounts.set_password_hash(name, self._hasher.hash(password))
            accounts.delete_expired_sessions(to_text(now))
            accounts.add_session(self._keyed("session", session_id), name, to_text(now), to_text(now + SESSION_LIFETIME))
        return session_id

    def _verify(self, stored_hash: str | None, password: str) -> bool:
        if not self._checking.acquire(timeout=10):
            raise TooManyRequests("Too many sign-ins at once; try again in a few seconds.", headers={"Retry-After": "5"})
        try:
            return self._hasher.verify(stored_hash or self._dummy_hash, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False
        finally:
            self._checking.release()

    def session_editor(self, session_id: str) -> str | None:
        with self.store.read() as tx:
            return AccountRepository(tx).session_editor(self._keyed("session", session_id), to_text(self.clock()))

    def logout(self, session_id: str) -> None:
        with self.store.write() as tx:
            AccountRepository(tx).delete_session(self._keyed("session", session_id))

    def csrf_token(self, session_id: str) -> str:
        return self._keyed("csrf", session_id)

    def csrf_ok(self, session_id: str, supplied: str | None) -> bool:
        return bool(supplied) and hmac.compare_digest(self.csrf_token(session_id), supplied or "")


async def authenticate(request: Request, auth: EditorAuth) -> Editor | None:
    """The editor behind a request: a Bearer token wins over the session cookie; None when neither is valid."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        name = await run_in_threadpool(auth.token_editor, token.strip())
        return Editor(name) if name else None
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    name = await run_in_threadpool(auth.session_editor, session_id)
    return Editor(name, session_id) if name else None


async def require_editor(request: Request, auth: EditorAuth) -> Editor:
    editor = await authenticate(request, auth)
    if editor is None:
        raise Unauthorized(
            "Sign in as an editor, or send an API token as 'Authorization: Bearer TOKEN'.",
            headers={"WWW-Authenticate": 'Bearer realm="trigger-atlas editors"'},
        )
    return editor


def require_csrf(editor: Editor, auth: EditorAuth, supplied: str | None) -> None:
    """A state change made with the session cookie must carry the session's CSRF token."""
    if editor.session_id is not None and not auth.csrf_ok(editor.session_id, supplied):
        raise Forbidden(
            f"This change lacks its CSRF token; send it in the {CSRF_HEADER} header (or reload the page and try again)."
        )


def set_session_cookie(response: Response, session_id: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
