"""Work on many files spread over worker processes: one pool for `lint` and the site loader.

Starting workers costs more than reading a few dozen plans, so below `PARALLEL_FROM` items
everything runs in this process. Above it the items go out in strided chunks, several per
worker so that one slow chunk does not leave the others idle, and the results come back in
the order of the items: what a caller sees never depends on whether workers ran.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

PARALLEL_FROM = 48  # items; below this one process is faster than starting workers
CHUNKS_PER_JOB = 4

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

_job: tuple[Callable, object] | None = None  # (function, shared state) in a worker


def map_items(work: Callable[[S, T], R], shared: S, items: Sequence[T],
              jobs: int | None = None) -> list[R]:
    """`[work(shared, item) for item in items]`, in worker processes when there are enough.

    `shared` reaches each worker once, when it starts (on POSIX the workers are forked, so it
    is inherited rather than pickled); only the items and the results travel per call.
    """
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(items) < PARALLEL_FROM:
        return [work(shared, item) for item in items]
    import multiprocessing

    count = jobs * CHUNKS_PER_JOB
    chunks = [list(items[i::count]) for i in range(count)]
    results: list = [None] * len(items)
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pool = context.Pool(jobs, initializer=_start, initargs=(work, shared))
    try:
        for i, done in enumerate(pool.imap(_run_chunk, chunks)):
            results[i::count] = done
    except BaseException:
        pool.terminate()  # a failure or an interrupt: the workers are stopped at once
        raise
    else:
        # the work is done: the workers are let go, not terminated as leaving a `with` block
        # does, which can stop them before the pool's own threads are done with them and
        # then wait for ever (CPython issue 96995; a cold lint of 10,000 plans hung so once)
        pool.close()
    finally:
        pool.join()
    return results


def _start(work: Callable, shared: object) -> None:
    global _job
    _job = (work, shared)


def _run_chunk(chunk: list) -> list:
    work, shared = _job
    return [work(shared, item) for item in chunk]
