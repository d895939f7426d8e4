"""A local file of the updates whose reply reached Telegram, written the moment it did.

The inbox row of an update is marked done only when its handler has finished, which under
load can be seconds after the reply was sent; a crash in between would send the reply again
after the restart. Appending the update id to this file right after Telegram accepted a reply
costs microseconds and survives `kill -9` (the page cache outlives the process), so the
restarted bot settles those updates instead of answering them twice.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


class ReplyJournal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = None

    def replied(self, update_id: int) -> None:
        self._write(f"+{update_id}\n")

    def retracted(self, update_id: int) -> None:
        """The update goes back to the inbox to be tried again: it is not answered."""
        self._write(f"-{update_id}\n")

    def _write(self, line: str) -> None:
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("a", encoding="ascii")
            self._file.write(line)
            self._file.flush()
        except OSError:  # a full disk must not cost the reply; the inbox row still settles it
            logger.warning("reply journal %s not written", self.path, exc_info=True)

    def take(self) -> set[int]:
        """The updates answered according to the file, which is then emptied (at start)."""
        answered: set[int] = set()
        try:
            lines = self.path.read_text(encoding="ascii").split()
        except FileNotFoundError:
            return answered
        for line in lines:
            update_id = int(line[1:])
            if line.startswith("+"):
                answered.add(update_id)
            else:
                answered.discard(update_id)
        self.close()
        self.path.write_text("", encoding="ascii")
        return answered

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
