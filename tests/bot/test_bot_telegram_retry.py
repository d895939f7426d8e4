"""Telegram's 429: the call is made again after `retry_after`."""

from __future__ import annotations

from tests.support import updates as U


async def test_429_is_retried_after_retry_after(harness) -> None:
    chat = harness.new_chat()
    harness.api.fail_next("sendMessage", status=429, retry_after=1)
    await harness.feed(U.command("/help", chat_id=chat))
    sends = [c for c in harness.api.calls if c.method == "sendMessage"]
    assert [c.failed for c in sends] == [True, False]
    assert sends[1].at - sends[0].at >= 0.9
