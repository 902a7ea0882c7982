"""From a page URL of the site to its Markdown source, and from a typo's selected text to the line it stands on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

MAX_PAGE_URL = 500

# Characters Markdown adds around text that a reader's selection does not contain.
_MARKUP = set("*_`")


@dataclass(frozen=True)
class SourceLocation:
    path: str  # relative to the project, e.g. docs/patterns/thigh-and-knee/biceps-femoris.md
    line: int | None  # 1-based; None when the text was not found in the file
    line_text: str | None


class SitePages:
    """Knows which paths are pages of this site: an article's Markdown under docs/, or a built page under site/."""

    def __init__(self, docs_dir: Path, site_dir: Path) -> None:
        self.docs_dir = docs_dir
        self.site_dir = site_dir

    def path_problem(self, page_url: str) -> str | None:
        """Why page_url is not a page of this site, or None when it is one."""
        if len(page_url) > MAX_PAGE_URL:
            return f"is longer than {MAX_PAGE_URL} characters"
        parts = urlsplit(page_url)
        if parts.scheme or parts.netloc or not page_url.startswith("/") or page_url.startswith("//"):
            return "must be a path of this site, such as /patterns/thigh-and-knee/biceps-femoris/"
        path = _clean_path(parts.path)
        if path is None:
            return "is not a valid path"
        if self.source_file(page_url) is None and not self._built(path):
            return "is not a page of this site"
        return None

    def source_file(self, page_url: str) -> Path | None:
        """The Markdown file a page is built from, following MkDocs' directory URLs."""
        path = _clean_path(urlsplit(page_url).path)
        if path is None:
            return None
        stem = path.strip("/")
        candidates = [self.docs_dir / "index.md"] if not stem else [
            self.docs_dir / f"{stem}.md",
            self.docs_dir / stem / "index.md",
            self.docs_dir / stem / "README.md",
        ]
        if stem.endswith(".html"):
            candidates.insert(0, self.docs_dir / f"{stem[: -len('.html')]}.md")
        for candidate in candidates:
            if _is_file(candidate) and _inside(candidate, self.docs_dir):
                return candidate
        return None

    def _built(self, path: str) -> bool:
        # Pages generated at build time (the pain-area pages) have no Markdown file under docs/.
        stem = path.strip("/")
        target = self.site_dir / stem
        candidate = target if stem.endswith(".html") else target / "index.html"
        return _is_file(candidate) and _inside(candidate, self.site_dir)

    def locate(self, page_url: str, selected: str | None, before: str | None = None, after: str | None = None) -> SourceLocation | None:
        """Where the source of a page is and, for a selection, the line the selected text stands on."""
        source = self.source_file(page_url)
        if source is None:
            return None
        relative = source.relative_to(self.docs_dir.parent).as_posix()
        if not selected or not selected.strip():
            return SourceLocation(relative, None, None)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return SourceLocation(relative, None, None)
        offset = find_selection(text, selected, before or "", after or "")
        if offset is None:
            return SourceLocation(relative, None, None)
        line = text.count("\n", 0, offset) + 1
        return SourceLocation(relative, line, text.splitlines()[line - 1])


def _clean_path(path: str) -> str | None:
    decoded = unquote(path)
    if "\\" in decoded or "\x00" in decoded or any(part == ".." for part in PurePosixPath(decoded).parts):
        return None
    return decoded


def _is_file(path: Path) -> bool:
    # A reader's URL can make a name the file system refuses outright (too long, say); that is "no such page".
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def find_selection(text: str, selected: str, before: str = "", after: str = "") -> int | None:
    """The offset in Markdown ``text`` of the rendered ``selected`` text, or None.

    The rendered page differs from the source by markup and line breaks, so both are compared in a plain form
    (markup dropped, runs of white space as one space), and the words around the selection pick the right one
    of several occurrences.
    """
    plain, positions = _plain(text)
    needle = _plain(selected)[0].strip()
    if not needle:
        return None
    starts = [m.start() for m in re.finditer(re.escape(needle), plain)]
    if not starts:
        return None
    best = max(starts, key=lambda s: _context_score(plain, s, len(needle), before, after))
    return positions[best]


def _plain(text: str) -> tuple[str, list[int]]:
    """Text without markup and with white space collapsed, and the source offset of each kept character."""
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if char in _MARKUP:
            continue
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        positions.append(index)
    return "".join(chars), positions


def _context_score(plain: str, start: int, length: int, before: str, after: str) -> int:
    """How many characters of the reader's context agree with the text around one occurrence."""
    want_before = _plain(before)[0].rstrip()
    want_after = _plain(after)[0].lstrip()
    have_before = plain[:start].rstrip()
    have_after = plain[start + length :].lstrip()
    score = 0
    for a, b in zip(reversed(want_before), reversed(have_before)):
        if a != b:
            break
        score += 1
    for a, b in zip(want_after, have_after):
        if a != b:
            break
        score += 1
    return score
