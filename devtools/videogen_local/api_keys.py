"""Local API keys: the stand-in for the Cognito authorizer. Keys map to owner ids; only hashes are stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_OWNER = "local-user"
_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")
_KEY_PREFIX = "vg_"


def videogen_home() -> Path:
    """The local data directory: $VIDEOGEN_HOME, or ~/.videogen."""
    return Path(os.environ.get("VIDEOGEN_HOME") or Path.home() / ".videogen")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    """keys.json under the local data directory: {"keys": {sha256(key): {"owner", "created_at"}}}."""

    def __init__(self, home: Path | None = None) -> None:
        self.path = (home or videogen_home()) / "keys.json"

    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return dict(data.get("keys", {}))

    def _write(self, entries: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"keys": entries}, indent=2), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(self.path)

    def add(self, owner: str) -> str:
        """Create a key for an owner and return it; it is shown once and stored only as a hash."""
        if not _OWNER.match(owner):
            raise ValueError("an owner id is 1-128 letters, digits, '.', '_', '@' or '-'")
        key = _KEY_PREFIX + secrets.token_urlsafe(24)
        entries = self._read()
        entries[_digest(key)] = {"owner": owner, "created_at": datetime.now(UTC).isoformat()}
        self._write(entries)
        return key

    def owner_of(self, key: str) -> str | None:
        """The owner a key belongs to, or None for an unknown key (compared in constant time)."""
        wanted = _digest(key)
        found = None
        for digest, entry in self._read().items():
            if hmac.compare_digest(digest, wanted):
                found = entry["owner"]
        return found

    def is_empty(self) -> bool:
        return not self._read()

    def owners(self) -> list[str]:
        return sorted({entry["owner"] for entry in self._read().values()})
