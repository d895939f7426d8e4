"""Replies as Telegram HTML, shared by the handlers and the digest: escaping (`html`), splitting
at Telegram's 4096 characters (`split`) and the texts of summaries, answers and notices
(`replies`). Plain functions of plain data: no aiogram, no database.
"""
