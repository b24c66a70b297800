"""Atomic file writes: a temporary file beside the target, then a rename, so readers never see half a file.

Files are written mode 0644 (readable by others, like any file a command writes), not the private 0600
of a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Final

FILE_MODE: Final = 0o644


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once (creating the parent directory); on error ``path`` is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), FILE_MODE)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
