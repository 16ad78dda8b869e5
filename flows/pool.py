"""Worker processes for rendering: WeasyPrint is not thread-safe, and processes use every core.

The flow's tasks run in threads (cheap to orchestrate); each task hands its article to
one of these plain-Python processes, which import ``channels`` but never Prefect.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

from channels.errors import GateRefused, InputError, PublishError
from channels.pipeline.project import Project, Settings
from channels.pipeline.steps import Built, Job, build_article

T = TypeVar("T")

@dataclass(frozen=True)
class _Raised:
    """A user-facing error from a worker, carried back as data (its class may not unpickle)."""

    message: str
    exit_code: int


class Workers:
    """``count`` spawned processes that build articles; with ``count < 1``, build right here."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        if self.count >= 1:
            # spawn, not fork: the parent has Prefect's threads and event loop running.
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.count, mp_context=context,
                                                 initializer=_warm_up)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def build(self, job: Job, settings: Settings, project: Project,
              channels: tuple[str, ...]) -> Built:
        """Render and check one article in a worker process (or here, without a pool)."""
        return self.run(build_article, job, settings, project, channels)

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker process; a user-facing error comes back as the same one."""
        if self._executor is None:
            return fn(*args)
        return unwrap(self._executor.submit(_guarded, fn, args).result())


def remote_build(job: Job, settings: Settings, project: Project,
                 channels: tuple[str, ...]) -> Built | _Raised:
    """``build_article`` on a Dask worker: an error comes back as data (see ``unwrap``)."""
    return _guarded(build_article, (job, settings, project, channels))


def unwrap(result: T | _Raised) -> T:
    """A worker's result, or the user-facing error it carried back, raised here."""
    if isinstance(result, _Raised):
        if result.exit_code == 1:
            raise GateRefused(result.message)
        raise InputError("", result.message)
    return result


def _guarded(fn: Callable[..., T], args: tuple[Any, ...]) -> T | _Raised:
    try:
        return fn(*args)
    except PublishError as exc:
        return _Raised(str(exc), exc.exit_code)


def _warm_up() -> None:
    # Each worker pays for its imports once, in parallel, before its first article,
    # and ends with the run: a killed ``publish render`` leaves no worker behind.
    import channels.pipeline.steps  # noqa: F401
    import channels.registry  # noqa: F401
    from channels.processes import die_with_parent

    die_with_parent()
