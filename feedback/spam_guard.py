"""Decides whether a submission looks like spam. Pure: ``assess`` returns ``(ok, reason)``.

What it catches is still stored, with status spam, so an editor can rescue a false positive.
"""

from __future__ import annotations

import re

from .form_tokens import TokenCheck
from .model import Submission

_LINK = re.compile(r"https?://\S+|www\.\S+|\[url[=\]]|<a\s", re.IGNORECASE)

# A reader may cite a study; three links in one note is an advert.
MAX_LINKS = 2
# Without a valid token (no JavaScript, or a bot) the other guards are stricter, as the contract asks.
MAX_LINKS_WITHOUT_TOKEN = 1
MAX_LINK_SHARE_WITHOUT_TOKEN = 0.5


def assess(submission: Submission, token: TokenCheck) -> tuple[bool, str | None]:
    if submission.website and submission.website.strip():
        return False, "honeypot: the hidden website field was filled in"
    if token is TokenCheck.TOO_FAST:
        return False, "form token: sent sooner after loading the form than a person types"
    text = " ".join(v for v in (submission.message, submission.name, submission.suggested_fix) if v)
    links = _LINK.findall(text)
    trusted = token is TokenCheck.VALID
    if len(links) > (MAX_LINKS if trusted else MAX_LINKS_WITHOUT_TOKEN):
        return False, f"link-heavy: {len(links)} links"
    visible = len("".join(text.split())) or 1
    share = sum(len(link) for link in links) / visible
    if not trusted and links and share > MAX_LINK_SHARE_WITHOUT_TOKEN:
        return False, f"link-heavy: links are {share:.0%} of the text"
    return True, None
