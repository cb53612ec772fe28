"""The wall-clock budget of one extraction (``Options.time_budget``).

The pipeline checks it between stages; a stage whose main loop can run long on a big
accepted document (classify's link-list pass is O(elements × depth)) ticks it inside that
loop. One ``time.perf_counter()`` per check, and a tick reads the clock only every
``STRIDE`` calls, so the budget costs nothing measurable. Past the budget the extraction
stops with ``OverBudget`` (a ``DocumentTooComplex``: 422 at the web edge). A check cannot
interrupt a C call (the parse) or a library (readability-lxml), so the budget can be
overrun by the longest single stage; the service's worker timeout stays the last line. The
optional readability second opinion, which costs about as much as everything before it, is
skipped when ``half_left`` says so, rather than run past the budget.
"""

from __future__ import annotations

import math
import time

from ..errors import OverBudget

__all__ = ["STRIDE", "Budget"]

#: Ticks between two clock reads inside a loop.
STRIDE = 32


class Budget:
    """``seconds`` from now (0 or less: no budget). Per extraction; not shared."""

    __slots__ = ("_end", "_start", "_ticks", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._start = time.perf_counter()
        self._end = self._start + seconds if seconds > 0 else math.inf
        self._ticks = 0

    def half_left(self) -> bool:
        """True while at most half the budget is spent (always, without a budget)."""
        if self._end == math.inf:
            return True
        now = time.perf_counter()
        return now - self._start <= self._end - now

    def check(self, step: str) -> None:
        """Raise OverBudget if the budget is spent; ``step`` names what just ran."""
        if self._end != math.inf and time.perf_counter() > self._end:
            raise OverBudget(f"the extraction took longer than its {self.seconds:g} s budget "
                             f"(stopped in {step}); the document is too complex")

    def tick(self, step: str) -> None:
        """``check`` every ``STRIDE`` calls: for the inside of a long loop."""
        self._ticks += 1
        if self._ticks % STRIDE == 0:
            self.check(step)
