"""One logging setup for every entry point."""

from __future__ import annotations

import logging
import warnings


def setup_logging(level: str = "INFO") -> None:
    """Log our events, not every update; never the token or article text at INFO."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # pymorphy2 (inside natasha) imports pkg_resources; the warning says nothing to a user.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
