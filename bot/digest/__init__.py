"""Daily digests: when they fall due (`schedule`), what they say (`compose`), how they are sent
without tripping Telegram's flood limits (`delivery`), the loop that claims due subscriptions
exactly once (`scheduler`), and the plain-data operations the handlers and CLI call (`service`).
"""
