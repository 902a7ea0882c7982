"""Settings from the environment (prefix ``ATLAS_``); a command-line flag wins over its variable."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

DEFAULT_FEEDBACK_RATE = "10/minute"


class SettingsError(ValueError):
    """A setting has a value the service cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    data_dir: Path
    database_url: str
    secret_key: str
    feedback_rate: str = DEFAULT_FEEDBACK_RATE
    # Addresses of reverse proxies whose X-Forwarded-For header is believed.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def site_dir(self) -> Path:
        return self.project_dir / "site"

    @property
    def docs_dir(self) -> Path:
        return self.project_dir / "docs"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        env = os.environ if environ is None else environ
        project_dir = Path(overrides.pop("project_dir", None) or env.get("ATLAS_PROJECT_DIR") or Path.cwd())
        data_dir = Path(overrides.pop("data_dir", None) or env.get("ATLAS_DATA_DIR") or project_dir / "var")
        if not data_dir.is_absolute():
            data_dir = (Path.cwd() / data_dir).resolve()
        database_url = (
            overrides.pop("database_url", None)
            or env.get("ATLAS_DATABASE_URL")
            or f"sqlite:///{data_dir / 'feedback.db'}"
        )
        if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise SettingsError(
                "ATLAS_DATABASE_URL must start with sqlite:/// or postgresql://, "
                f"not {database_url.split(':', 1)[0]!r}"
            )
        feedback_rate = overrides.pop("feedback_rate", None) or env.get("ATLAS_FEEDBACK_RATE") or DEFAULT_FEEDBACK_RATE
        _validate_rate(feedback_rate)
        proxies = overrides.pop("trusted_proxies", None)
        if proxies is None:
            proxies = tuple(p.strip() for p in env.get("ATLAS_TRUSTED_PROXIES", "").split(",") if p.strip())
        secret_key = overrides.pop("secret_key", None) or env.get("ATLAS_SECRET_KEY") or ""
        settings = cls(
            project_dir=project_dir.resolve(),
            data_dir=data_dir,
            database_url=database_url,
            secret_key=secret_key,
            feedback_rate=feedback_rate,
            trusted_proxies=tuple(proxies),
        )
        if overrides:
            raise TypeError(f"unknown settings: {', '.join(sorted(overrides))}")
        return settings

    def with_secret(self) -> "Settings":
        """Fill in the secret key, generating one in the data dir (mode 0600) on first use."""
        if self.secret_key:
            return self
        return replace(self, secret_key=load_or_create_secret(self.data_dir))


def load_or_create_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    # O_EXCL: two workers starting together must agree on one key, so the loser reads the winner's.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _validate_rate(value: str) -> None:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError as exc:
        raise SettingsError(f"ATLAS_FEEDBACK_RATE {value!r} is not a rate such as '10/minute': {exc}") from None
