"""Worker processes for rendering: WeasyPrint is not thread-safe, and processes use every core.

The flow's tasks run in threads (cheap to orchestrate); each task hands its article to
one of these plain-Python processes, which import ``channels`` but never Prefect.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from channels.errors import GateRefused, InputError, PublishError

T = TypeVar("T")
# An executor cannot be a task parameter (tasks take data), so the flow opens the pool
# around its tasks and they find it here.
_executor: ProcessPoolExecutor | None = None


@dataclass(frozen=True)
class _Raised:
    """A user-facing error from a worker, carried back as data (its class may not unpickle)."""

    message: str
    exit_code: int


@contextlib.contextmanager
def processes(count: int) -> Iterator[None]:
    """Run ``run(...)`` calls in ``count`` processes inside this block (inline if count < 1)."""
    global _executor
    if count < 1:
        yield
        return
    # spawn, not fork: the parent has Prefect's threads and event loop running.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(count, mp_context=context, initializer=_warm_up) as executor:
        _executor = executor
        try:
            yield
        finally:
            _executor = None


def run(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a worker process if a pool is open, else right here."""
    if _executor is None:
        return fn(*args)
    result = _executor.submit(_guarded, fn, args).result()
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
    # Each worker pays for its imports once, in parallel, before its first article.
    import channels.build  # noqa: F401
    import channels.registry  # noqa: F401
