"""Executors: run a pure per-batch function in this process or in a process pool.

Both yield results in input order and keep only a bounded number of batches in
flight, so memory stays flat however large the corpus (a Ray executor will take
the same shape).
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...


class InProcess:
    """Runs batches one after the other here; the encoder uses every core itself."""

    workers = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        pass


def _limit_worker_threads(threads: int) -> None:
    # Each worker's encoder would otherwise spread over every core and the
    # workers would fight over them.
    os.environ["RASHOMON_ENCODER_THREADS"] = str(threads)


class ProcessPool:
    """Runs batches in ``workers`` processes, at most ``2 * workers`` in flight."""

    def __init__(self, workers: int):
        self.workers = workers
        threads = max(1, (os.cpu_count() or 1) // workers)
        self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_limit_worker_threads, initargs=(threads,))

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        in_flight: deque[Future] = deque()
        for item in items:
            in_flight.append(self._pool.submit(fn, item))
            if len(in_flight) >= 2 * self.workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def get_executor(workers: int) -> InProcess | ProcessPool:
    return InProcess() if workers <= 1 else ProcessPool(workers)
