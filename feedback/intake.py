"""Receiving a reader's submission: validate, rate-limit, weigh the spam guards, store. Blocking: run it in a thread."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from search_service.errors import TooManyRequests

from .form_tokens import FormTokens
from .item_repository import ItemRepository
from .pages import SitePages
from .rate_limit import SubmissionRateLimiter
from .spam_guard import assess
from .store import Conflict, Store, StoreUnavailable
from .timeutil import Clock, to_text
from .validation import clean_submission

log = logging.getLogger("feedback.intake")

# Crockford's base 32: no I, L, O or U, so a reference read out over the phone is not misheard.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_item_id() -> str:
    chars = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


class Intake:
    def __init__(
        self,
        store: Store,
        pages: SitePages,
        tokens: FormTokens,
        limiter: SubmissionRateLimiter,
        clock: Clock,
    ) -> None:
        self.store = store
        self.pages = pages
        self.tokens = tokens
        self.limiter = limiter
        self.clock = clock

    def receive(self, data: Any, client_hash: str) -> str:
        """Store one submission and return its reference. Spam is stored too, with status spam."""
        submission = clean_submission(data, self.pages.path_problem)
        wait = self.limiter.hit(client_hash)
        if wait is not None:
            raise TooManyRequests(
                f"You have sent several messages in a short time; please wait {wait} seconds before sending another.",
                headers={"Retry-After": str(wait)},
            )
        ok, reason = assess(submission, self.tokens.check(submission.form_token))
        status = "new" if ok else "spam"
        # 40 random bits: a collision is rare, and the primary key turns one into a retry, not a lost message.
        for _ in range(5):
            item_id = new_item_id()
            now = to_text(self.clock())
            try:
                with self.store.write() as tx:
                    items = ItemRepository(tx)
                    items.insert(item_id, submission.values(), status, client_hash, now)
                    items.add_audit(item_id, "reader", "status", None, status, now)
                    if reason:
                        items.add_audit(item_id, "spam guard", "spam_reason", None, reason, now)
            except Conflict:
                continue
            if reason:
                log.info("feedback %s stored as spam: %s", item_id, reason)
            return item_id
        raise StoreUnavailable("no free item id after 5 tries")
