"""Cheap periodic checks that the files of the index being served are still the files it was built as.

Why (issue 21): `statements.npy` is memory-mapped, so a write into the live file (NaN written in place, a
flipped byte) changes what the server answers — answers turned into refusals while `/healthz` stayed "ok".
The index watcher (`qa.serving.live`, every 2 s) calls `ServedFiles.check()`:

- each time, every file's size, modification time and inode are compared with those seen when it was loaded
  (one `stat` per file, ~10 files); a file whose values changed has its SHA-256 compared with the manifest's
  (so a `touch` or a backup tool's read is not damage);
- once per `SAMPLE_INTERVAL_S`, one file in turn is hashed whatever its stat says, for damage that kept its
  size and time.
Damage, once found, stays reported (`/healthz` 503 `index_damaged`) until a new build is swapped in; the server
goes on answering from what it has loaded.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from qa.index.store import sha256_file

#: Seconds between two sampled full checksums (one file each time).
SAMPLE_INTERVAL_S = 60.0

_Stat = tuple[int, int, int] | None


def _stat(path: Path) -> _Stat:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


class ServedFiles:
    """The files of one served build folder and their checksums from its manifest."""

    def __init__(self, folder: Path, checksums: dict[str, str], sample_interval_s: float = SAMPLE_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.folder = folder
        self.checksums = dict(checksums)
        self._seen = {name: _stat(folder / name) for name in sorted(self.checksums)}
        self._turn = 0
        self._interval = sample_interval_s
        self._clock = clock
        self._next_sample = clock() + sample_interval_s
        self.damage: str | None = None

    def check(self) -> str | None:
        """Why the served files are damaged (a Chinese line), or None while they are intact."""
        if self.damage is None:
            changed = [name for name, seen in self._seen.items() if _stat(self.folder / name) != seen]
            for name in changed:
                self._seen[name] = _stat(self.folder / name)
            if self._seen and self._clock() >= self._next_sample:
                self._next_sample = self._clock() + self._interval
                names = sorted(self._seen)
                changed.append(names[self._turn % len(names)])
                self._turn += 1
            broken = next((name for name in changed if not self._intact(name)), None)
            if broken is not None:
                self.damage = (f"正在使用的索引文件已损坏或缺失：{self.folder / broken}"
                               "（仍用已载入的内容回答；请运行 qa index 重建）")
        return self.damage

    def _intact(self, name: str) -> bool:
        try:
            return sha256_file(self.folder / name) == self.checksums[name]
        except OSError:
            return False
