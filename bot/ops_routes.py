"""`/metrics` and `/healthz` on the webhook server: what Prometheus and a load balancer ask."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)
CHECK_SECONDS = 3.0


def add_ops_routes(app: web.Application, db: AsyncEngine, redis: Redis | None) -> None:
    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=generate_latest(),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_: web.Request) -> web.Response:
        """200 only when the database (and Redis, when used) answer: an instance that cannot
        store an update must not get one from the load balancer."""
        failed = []
        try:
            async with asyncio.timeout(CHECK_SECONDS), db.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001
            failed.append(f"database: {type(exc).__name__}")
        if redis is not None:
            try:
                async with asyncio.timeout(CHECK_SECONDS):
                    await redis.ping()
            except Exception as exc:  # noqa: BLE001
                failed.append(f"redis: {type(exc).__name__}")
        if failed:
            logger.warning("health check failed: %s", "; ".join(failed))
            return web.json_response({"ok": False, "failed": failed}, status=503)
        return web.json_response({"ok": True})

    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
