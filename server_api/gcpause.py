"""The cyclic garbage collector paused while a request handles a big red line.

A case of 100 parcels × 10 000 vertices makes millions of small lists and tuples. The collector
then runs full passes over them, each holding the GIL ~0.16 s, dozens of times per request:
every other request of the same worker stalls (measured: 28 % of the request's time, the
largest stalls besides JSON parsing). Almost all of that memory is freed by reference counting
when the request ends; cycles wait until the collector resumes after the last big request of
the process.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BIG_BYTES = 4 * 2**20

_lock = threading.Lock()
_pausers = 0
_was_enabled = True


def pause() -> None:
    global _pausers, _was_enabled
    with _lock:
        if _pausers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausers += 1


def resume() -> None:
    global _pausers
    with _lock:
        _pausers = max(0, _pausers - 1)
        if _pausers == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    pause()
    try:
        yield
    finally:
        resume()
