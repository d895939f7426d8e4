"""Start and stop the bot: schema, engine, Bot + Dispatcher, then polling or a webhook.

`run_app(settings)` is what `python -m bot run` calls. Features hook into startup on their own
router (`router.startup`), called before the first update is handled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.factory import build_bot, build_dispatcher, build_services
from bot.ops_routes import add_ops_routes
from bot.settings import Settings
from bot.storage.db import create_schema, create_sessionmaker

if TYPE_CHECKING:
    from bot.distributed.setup import ScaleOut

logger = logging.getLogger(__name__)


async def run_app(settings: Settings) -> None:
    started = time.perf_counter()
    db = settings.create_db_engine()
    await create_schema(db)
    scale_out = None
    engine = None
    if settings.distributed:  # the workers hold the models; this process only talks
        from bot.distributed.setup import ScaleOut

        scale_out = ScaleOut.connect(settings)
        await scale_out.start()
        logger.info("scale-out mode: model work goes to the workers; ready in %.1fs",
                    time.perf_counter() - started)
    elif settings.nlp_process:
        from bot.services.engine_process import EngineProcess

        engine = await asyncio.to_thread(
            EngineProcess.start, settings.engine_config(),
            workers=settings.nlp_workers + settings.nlp_question_workers,
            cores=settings.nlp_threads, nice=settings.nlp_nice)
    else:
        from models import load_engine

        engine = await asyncio.to_thread(load_engine, settings.engine_config())
        logger.info("engine %s loaded; ready in %.1fs", getattr(engine, "name", "?"),
                    time.perf_counter() - started)
    sessionmaker = create_sessionmaker(db)
    services = build_services(settings, engine, sessionmaker, scale_out=scale_out)
    bot = build_bot(settings, inbox=services["inbox"])
    dp = build_dispatcher(settings, engine=engine, sessionmaker=sessionmaker, services=services)
    try:
        if settings.webhook_url:
            await _run_webhook(bot, dp, settings, db, scale_out)
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            logger.info("long polling %s", "a custom Bot API server"
                        if settings.telegram_api_url else "api.telegram.org")
            await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types(),
                                   handle_signals=True, close_bot_session=True)
    finally:
        dp["models"].close()
        if scale_out is not None:
            await scale_out.stop()
        await db.dispose()


async def _run_webhook(bot: Bot, dp: Dispatcher, settings: Settings, db: AsyncEngine,
                       scale_out: ScaleOut | None) -> None:
    """Serve `WEBHOOK_PATH` on `WEBHOOK_HOST:WEBHOOK_PORT` and register `WEBHOOK_URL` with it;
    `/metrics` and `/healthz` beside it, for the load balancer and Prometheus."""
    from aiogram.webhook.aiohttp_server import setup_application
    from aiohttp import web

    from bot.inbox.hooks import InboxRequestHandler

    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    url = settings.webhook_url.rstrip("/")
    if not url.endswith(settings.webhook_path):
        url += settings.webhook_path

    app = web.Application()
    InboxRequestHandler(dispatcher=dp, bot=bot, inbox=dp["inbox"], secret_token=secret).register(
        app, path=settings.webhook_path)
    add_ops_routes(app, db, scale_out.redis if scale_out is not None else None)
    setup_application(app, dp, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    logger.info("webhook listening on %s:%s%s", settings.webhook_host, settings.webhook_port,
                settings.webhook_path)
    # Registered only once the port listens: Telegram may deliver the first update at once.
    await bot.set_webhook(url, secret_token=secret, allowed_updates=dp.resolve_used_update_types())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
