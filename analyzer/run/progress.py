"""A progress line on stderr for long runs: documents, documents/s and, when the input size is known, an ETA.

Nothing is drawn until ``delay`` seconds (2 by default) after the first document is done (loading
the pipeline takes seconds of its own), so a quick scan of a few files prints no progress line at
all, as ruff prints none.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(
        self,
        total_bytes: int | None,
        enabled: bool,
        stream: TextIO | None = None,
        every: float = 0.25,
        delay: float = 2.0,
    ):
        self.total = total_bytes or None
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.every = every
        self.delay = delay
        self.start = time.monotonic()
        self.last = float("inf")  # set by the first document
        self.drawn = False
        self.docs = 0
        self.bytes = 0

    def update(self, size: int) -> None:
        self.docs += 1
        self.bytes += size
        if not self.enabled:
            return
        now = time.monotonic()
        if self.docs == 1:  # the clock starts once the pipeline is loaded and a document is done
            self.last = now + self.delay - self.every
        if now - self.last >= self.every:
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = self.docs / elapsed
        text = f"{self.docs:,} documents, {rate:,.0f}/s"
        if self.total:
            done = min(self.bytes / self.total, 1.0)
            eta = elapsed * (1 - done) / done if done > 0 else 0
            text += f", {done:5.1%}, ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        self.stream.write("\r" + text.ljust(60))
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.enabled and self.drawn:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
