"""A real HTTP page server on 127.0.0.1 for the link tests: what a link in a message points to."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp import web


@contextlib.asynccontextmanager
async def page_server(*routes: web.RouteDef) -> AsyncIterator[str]:
    """Serve `routes` on a free port of 127.0.0.1 while the block runs; yields the base URL
    («http://127.0.0.1:PORT», no slash)."""
    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    finally:
        await runner.cleanup()
