"""Where uploaded files live. Local folder by default; the interface is small so
another backend (object storage) can replace it without touching the domains."""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from flask import current_app


class LocalStorage:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("bad storage key")
        return path

    def save(self, data: bytes, suffix: str = "") -> tuple[str, str]:
        """Store bytes; returns (key, sha256)."""
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{digest}-{secrets.token_hex(4)}{suffix}"
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        try:
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError:  # disk full: leave no partial file behind
            tmp.unlink(missing_ok=True)
            raise
        return key, digest

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["UPLOAD_DIR"])
