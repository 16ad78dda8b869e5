"""The one owner of ``output/``: nothing else writes there.

Each article's files are written to a fresh version folder, then the
``output/<slug>`` symlink is swapped onto it with one ``rename(2)``: a reader,
or a run killed at any moment, sees either the whole old version or the whole new
one.  Site-wide files are replaced one by one, atomically.  A ``Writer`` holds the
folder's lock for its whole run, so concurrent runs take turns, and refuses to write
the same article or file twice in one run (two articles with one slug, say).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from channels.errors import PublishError

VERSIONS = ".versions"
STAGED = ".staged"
LOCK = ".publish.lock"


class Busy(PublishError):
    """Another publish holds the output lock for too long."""


class WrittenTwice(PublishError):
    """Two outputs of one run claim the same place in ``output/``."""


class Writer:
    """Writes ``out_dir`` for one run; use it as a context manager.

    The lock is taken at the first write and held until the run ends, so a run that
    refuses everything leaves ``output/`` exactly as it was, not even created.
    """

    def __init__(self, out_dir: Path, wait_s: float = 120.0) -> None:
        self.out_dir, self.wait_s = out_dir, wait_s
        self.written: set[str] = set()
        self._open = False
        self._lock: IO[bytes] | None = None

    def __enter__(self) -> Writer:
        self._open = True
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._open = False
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def current(self, slug: str) -> dict[str, bytes]:
        """The files now published for ``slug`` (empty if none)."""
        return current_files(self.out_dir, slug)

    def promote(self, slug: str, files: dict[str, bytes]) -> str:
        """Publish ``files`` as ``out_dir/slug`` atomically: "published" or "unchanged"."""
        self._claim(slug)
        if self.current(slug) == files:
            return "unchanged"
        _promote(self.out_dir, slug, files)
        return "published"

    def stage(self, slug: str, files: dict[str, bytes]) -> Path:
        """Keep ``files`` in ``out_dir/.staged/slug/<hash>`` until approved; not published."""
        self._claim(slug)
        staged = self.out_dir / STAGED / slug
        final = _write_version(staged, files)
        _collect_garbage(staged, keep=final)
        return final

    def promote_staged(self, slug: str, staged: Path) -> str:
        """Publish a version ``stage`` kept (the approved bytes): "published" or "unchanged"."""
        if slug not in self.written or staged.parent != self.out_dir / STAGED / slug:
            raise RuntimeError(f"{staged}: not staged by this run")
        files = {p.name: p.read_bytes() for p in sorted(staged.iterdir()) if p.is_file()}
        status = "unchanged" if self.current(slug) == files else "published"
        if status == "published":
            _promote(self.out_dir, slug, files)
        shutil.rmtree(staged.parent, ignore_errors=True)
        return status

    def write(self, relative: str, data: bytes) -> None:
        """Replace one site-wide file (index, feed, assets, report) atomically."""
        self._claim(relative)
        target = self.out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_bytes() == data:
            return
        temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        _write_synced(temp, data)
        os.replace(temp, target)

    def _claim(self, name: str) -> None:
        if not self._open:
            raise RuntimeError("Writer used outside its 'with' block")
        if name in self.written:
            raise WrittenTwice(f"{self.out_dir / name}: two outputs of this run claim it "
                               "(two articles with the same slug, or two channels writing "
                               "the same site file); rename one")
        if self._lock is None:
            self._lock = _acquire(self.out_dir, self.wait_s)
        self.written.add(name)


def _acquire(out_dir: Path, wait_s: float) -> IO[bytes]:
    """The folder's publish lock, waiting up to ``wait_s`` for another run to finish."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = open(out_dir / LOCK, "a+b")  # noqa: SIM115 (held until the run ends)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                raise Busy(f"{out_dir}: another publish has held the lock for {wait_s:.0f} s; "
                           "wait for it to finish and run again") from None
            time.sleep(0.1)


def current_files(out_dir: Path, slug: str) -> dict[str, bytes]:
    """The files now published for ``slug`` (empty if none)."""
    folder = out_dir / slug
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _promote(out_dir: Path, slug: str, files: dict[str, bytes]) -> Path:
    versions = out_dir / VERSIONS / slug
    final = _write_version(versions, files)
    _swap_link(out_dir, slug, final)
    _collect_garbage(versions, keep=final)
    return final


def _write_version(versions: Path, files: dict[str, bytes]) -> Path:
    """``files`` in ``versions/<hash>``, written whole under a temporary name, then renamed."""
    versions.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    final = versions / digest.hexdigest()[:16]
    if final.is_dir() and not _holds(final, files):
        # Someone edited the published copy by hand: never reuse it, publish afresh.
        final = versions / f"{digest.hexdigest()[:16]}-{time.time_ns()}"
    if not final.is_dir():
        staging = versions / f".tmp-{os.getpid()}-{time.monotonic_ns()}"
        staging.mkdir()
        for name, data in files.items():
            _write_synced(staging / name, data)
        _fsync_dir(staging)
        os.rename(staging, final)
        _fsync_dir(versions)
    return final


def _holds(folder: Path, files: dict[str, bytes]) -> bool:
    """Whether ``folder`` contains exactly ``files``, byte for byte."""
    present = {p.name for p in folder.iterdir() if p.is_file()}
    return present == set(files) and all((folder / n).read_bytes() == d for n, d in files.items())


def _swap_link(out_dir: Path, slug: str, final: Path) -> None:
    link = out_dir / slug
    if link.is_dir() and not link.is_symlink():
        # A plain folder from an older layout: keep it as a version, then link.
        os.rename(link, out_dir / VERSIONS / slug / f"legacy-{time.time_ns()}")
    temp = out_dir / f".{slug}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(final.relative_to(out_dir), temp)
    os.replace(temp, link)
    _fsync_dir(out_dir)


def _collect_garbage(versions: Path, keep: Path) -> None:
    for entry in versions.iterdir():
        if entry != keep:
            shutil.rmtree(entry, ignore_errors=True)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
