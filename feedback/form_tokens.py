"""Signed, time-stamped form tokens: a submission that comes back sooner than a person could type is a bot's."""

from __future__ import annotations

import enum
import secrets
import time
from typing import Callable

from itsdangerous import BadSignature, Signer

MIN_SECONDS = 3
MAX_AGE_SECONDS = 24 * 3600


class TokenCheck(enum.Enum):
    VALID = "valid"
    MISSING = "missing"
    # Bad signature: often a token from before the secret key changed, so it weighs like a missing one.
    INVALID = "invalid"
    EXPIRED = "expired"
    TOO_FAST = "too_fast"


class FormTokens:
    def __init__(
        self,
        secret_key: str,
        *,
        min_seconds: float = MIN_SECONDS,
        max_age: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._signer = Signer(secret_key, salt="trigger-atlas.feedback-form-token")
        self.min_seconds = min_seconds
        self.max_age = max_age
        self.clock = clock

    def issue(self) -> str:
        # Milliseconds, because itsdangerous' own timestamps have whole-second resolution.
        issued_ms = int(self.clock() * 1000)
        return self._signer.sign(f"{issued_ms}.{secrets.token_urlsafe(8)}").decode("ascii")

    def check(self, token: str | None) -> TokenCheck:
        if not token:
            return TokenCheck.MISSING
        try:
            payload = self._signer.unsign(token).decode("ascii")
            issued_ms = int(payload.split(".", 1)[0])
        except (BadSignature, ValueError, UnicodeError):
            return TokenCheck.INVALID
        age = self.clock() - issued_ms / 1000
        if age < self.min_seconds:
            return TokenCheck.TOO_FAST
        if age > self.max_age:
            return TokenCheck.EXPIRED
        return TokenCheck.VALID
