"""The durable inbox: no update Telegram hands over is lost to a crash or a Telegram outage.

`store` keeps the rows, `runtime` decides what to run and what to try again, `hooks` connects
it to aiogram: the getUpdates response (polling), the webhook request and the update chain.
"""

from bot.inbox.runtime import Delivery, Inbox
from bot.inbox.store import InboxStore

__all__ = ["Delivery", "Inbox", "InboxStore"]
