"""What is worked out once per DataFrame and kept while a run reads its sides: the insight tables ask
the same questions of the same rows many times (a side's design, its rows on POMP), and a frame's
identity says the rows are the same without reading them — as long as nobody changes the frame in
place meanwhile. So things are kept only inside `reading_sides()` (`insights.add_insights` reads its
sides there and changes none of them), and dropped when it ends: outside it, a caller may change a
frame in place between two calls and still get answers for what the frame holds now."""
from __future__ import annotations

import weakref
from contextlib import contextmanager

import pandas as pd

_READING = [0]  # how many `reading_sides` are open
_STORES: list[dict] = []  # every store `kept_for` has kept something in


@contextmanager
def reading_sides():
    """Inside: `kept_for` keeps what is put in it (the frames read must not change in place meanwhile).
    Nested uses are one; the outermost's end drops everything kept."""
    _READING[0] += 1
    try:
        yield
    finally:
        _READING[0] -= 1
        if not _READING[0]:
            for store in _STORES:
                store.clear()


def kept_for(store: dict[int, tuple[weakref.ref, dict]], frame: pd.DataFrame) -> dict:
    """The dict `store` keeps for `frame` inside `reading_sides()` (empty the first time, dropped with the
    frame or at the end of the reading); outside, a new empty dict each time (nothing is kept).
    store: a module's own {id(frame): (the frame, its dict)}."""
    if not _READING[0]:
        return {}
    if not any(s is store for s in _STORES):
        _STORES.append(store)
    held = store.get(id(frame))
    if held is None or held[0]() is not frame:  # an id is reused only once its frame is gone
        held = store[id(frame)] = (weakref.ref(frame), {})
        weakref.finalize(frame, store.pop, id(frame), None)
    return held[1]
