"""The index a running server answers from, swapped for a new generation without a restart.

`qa index` writes a new build folder and switches `index/CURRENT` atomically (`qa.index.store`). A watcher
thread notices the switch (a new manifest), opens the new build beside the old one — reusing the loaded query
encoder, so no model reload — and replaces the assistant reference in one assignment. A question in flight keeps
the assistant it started with, so nothing is dropped; the next one gets the new index. It also notices when the
corpus changed since the served build (`stale`), when the index folder has gone (`missing`) and when the served
build's files were changed in place (`damaged`, `qa.serving.integrity`), for `/healthz`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from qa.errors import UserError
from qa.index.fingerprint import corpus_hash
from qa.index.loader import open_index
from qa.index.store import Manifest, live_folder, recorded_manifest
from qa.ingest.read import PROFILE_NAME, walk_corpus
from qa.pipeline import Assistant
from qa.serving.heap import freeze_long_lived
from qa.serving.integrity import ServedFiles
from qa.types import Answer

log = logging.getLogger(__name__)

#: Seconds between two looks at `index/CURRENT` (reading one small file) and the corpus files' sizes and times.
WATCH_INTERVAL_S = 2.0


@dataclass(frozen=True)
class IndexStatus:
    """What `/healthz` says about the index being served."""

    manifest: Manifest
    #: the corpus changed since the served build (run `qa index`)
    stale: bool
    #: the live index folder is gone or unreadable (the server still answers from memory)
    missing: bool
    #: why the newest build could not be swapped in, if it could not
    problem: str | None
    #: how the served build's files were found damaged, if they were (the server still answers from memory)
    damaged: str | None = None


def _corpus_signature(corpus_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the corpus files: cheap to read, and when it is unchanged the
    corpus is not hashed again."""
    try:
        paths = [*(e.path for e in walk_corpus(corpus_dir) if e.path is not None), corpus_dir / PROFILE_NAME]
    except UserError:  # folder gone or emptied: a signature of its own, so the hash is taken (and fails) again
        return ()
    entries = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class LiveAssistant:
    """Holds the current `Assistant`; `refresh()` (called by the watcher thread) swaps in a new generation."""

    def __init__(self, assistant: Assistant) -> None:
        self._assistant = assistant
        self.settings = assistant.settings
        self._refresh_lock = threading.Lock()
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._corpus_hash: str | None = None
        self._missing = False
        self._problem: str | None = None
        self._served = self._served_files(assistant.index.manifest)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def assistant(self) -> Assistant:
        """The assistant answering now (read once per question: an in-flight question keeps its own)."""
        return self._assistant

    def ask(self, question: object, k: object = None, previous: str | None = None) -> Answer:
        return self._assistant.ask(question, k, previous)

    def status(self) -> IndexStatus:
        manifest = self._assistant.index.manifest
        stale = self._corpus_hash is not None and self._corpus_hash != manifest.corpus_hash
        damaged = self._served.damage if self._served is not None else None
        return IndexStatus(manifest, stale, self._missing, self._problem, damaged)

    def _served_files(self, manifest: Manifest) -> ServedFiles | None:
        """The files of the live build folder when it is the one `manifest` describes (else None: a newer build
        already replaced it, and the next refresh swaps that in)."""
        folder = live_folder(self.settings.index_dir)
        if folder is None or recorded_manifest(self.settings.index_dir) != manifest:
            return None
        return ServedFiles(folder, manifest.files)

    def refresh(self) -> bool:
        """Look at the index folder and the corpus once; swap in a new live build. True when swapped."""
        with self._refresh_lock:
            self._check_corpus()
            recorded = recorded_manifest(self.settings.index_dir)
            self._missing = recorded is None
            if recorded is None or recorded == self._assistant.index.manifest:
                if recorded is not None and self._served is not None:
                    self._served.check()
                return False
            current = self._assistant
            try:
                index = open_index(self.settings, rebuild=False, show_progress=False, embedder=current.index.embedder)
                fresh = Assistant(self.settings, index=index, show_progress=False)
            except (UserError, OSError) as exc:
                problem = str(exc)
                if problem != self._problem:
                    log.warning("新索引暂不能使用，继续使用当前索引：%s", problem)
                self._problem = problem
                return False
            self._assistant = fresh
            self._served = self._served_files(index.manifest)
            self._problem = None
            del current
            freeze_long_lived()
            log.warning("已换用新索引：%s 个段落，建立于 %s", index.manifest.passages, index.manifest.built_at)
            return True

    def _check_corpus(self) -> None:
        corpus_dir = self.settings.corpus_dir
        signature = _corpus_signature(corpus_dir)
        if signature != self._signature:
            try:
                self._corpus_hash = corpus_hash(corpus_dir, self.settings.chunking)
            except (UserError, OSError):
                self._corpus_hash = None  # corpus unreadable right now: not judged stale on a guess
            self._signature = signature

    def start_watching(self, interval_s: float = WATCH_INTERVAL_S) -> None:
        """Run `refresh()` every `interval_s` seconds on a daemon thread until `stop_watching()`."""
        if self._thread is not None:
            return

        def watch() -> None:
            while not self._stop.wait(interval_s):
                try:
                    self.refresh()
                except Exception:  # a watcher that dies silently would freeze the index: log and keep going
                    log.exception("index watcher failed; retrying")

        self.refresh()
        self._thread = threading.Thread(target=watch, name="qa-index-watch", daemon=True)
        self._thread.start()

    def stop_watching(self) -> None:
        self._stop.set()
