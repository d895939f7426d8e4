"""All configuration in one place, read once from the environment or `.env`.

`python -m bot` builds `Settings()` and passes it down; tests build `Settings(...)` directly.
Every field is listed, commented, in `.env.example`.
"""

from __future__ import annotations

import socket
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.event_loop import EventLoopKind
from bot.storage.db import create_db_engine
from models.core.config import EngineConfig, QaOptions, SummaryOptions
from models.core.types import Length


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Telegram
    bot_token: SecretStr | None = None
    telegram_api_url: str = ""  # a Bot API server's base URL; empty means Telegram's own
    webhook_url: str = ""  # empty: long polling
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_path: str = "/telegram/webhook"

    # Storage
    data_dir: Path = Path("data")
    database_url: str = ""  # empty: sqlite+aiosqlite:///<data_dir>/newsbot.sqlite3
    # Connections are borrowed for single queries, never held while an update waits.
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout: float = 30.0

    # Reliability: the durable inbox and Telegram faults
    instance_id: str = ""  # unique per running bot process; empty: the host name
    telegram_retry_seconds: float = 30.0  # retry a failed Bot API call (5xx, network, 429) this long
    inbox_max_attempts: int = 8  # an update whose replies could not be sent is tried this often

    # Scale-out: with REDIS_URL set, model work goes to `python -m bot worker` processes through
    # a task queue on Redis, and rate limits, paste joining and flood limits live in Redis.
    redis_url: str = ""  # empty: one process does everything (in-process executor)
    nlp_timeout: float = 60.0  # a model task not finished by then: the user is told, politely
    task_redeliver_seconds: float = 30.0  # a task a dead worker took is given to another after
    worker_concurrency: int = 2  # model tasks a worker runs at once (questions go first)
    metrics_port: int = 9108  # a worker's /metrics (Prometheus); 0: off

    # NLP
    nlp_engine: str = "embedded"  # embedded | transformers
    summary_model: str = "IlyaGusev/rut5_base_sum_gazeta"
    qa_model: str = "AlexKay/xlm-roberta-large-qa-multilingual-finedtuned-ru"
    device: str = "auto"  # cpu | cuda | auto
    dtype: str = "auto"  # auto | float32 | float16 | bfloat16
    model_dir: Path = Path("data/models")
    preload_models: bool = True
    nlp_threads: int = 0
    # embedded engine: the QA reader's folder (reader.safetensors + reader.json), e.g. one
    # retrained with `python -m bot models train-reader --out …`; empty: the shipped reader
    reader_dir: str = ""
    # transformers engine only: generation and QA windows (EngineConfig.summary / .qa)
    summary_strategy: str = "select"  # select (best sentences that fit) | map_reduce
    summary_max_input_tokens: int = 600
    summary_num_beams: int = 4
    summary_no_repeat_ngram_size: int = 4
    qa_max_length: int = 384  # tokens per window, question included
    qa_stride: int = 128  # tokens shared by neighbouring windows
    qa_null_threshold: float = 0.0  # a span must beat "no answer" by more than this
    qa_top_windows: int = 0  # 0: read every window; n: only those around the best sentences

    # Work queue (model work runs off the event loop)
    nlp_workers: int = 1
    nlp_queue_size: int = 8  # articles waiting for a worker; one more gets "busy"
    nlp_question_queue_size: int = 32  # questions waiting; they go before articles
    nlp_question_workers: int = 1  # threads for questions only, besides NLP_WORKERS
    # a question whose model work has not started this long after its turn came (its article
    # read) gets "busy": waiting behind the chat's earlier questions counts; it hears so when it
    # comes if the questions already waiting would keep the workers longer (NlpExecutor)
    nlp_question_wait_seconds: float = 4.0
    # the models in a child process (bot/services/engine_process.py): natasha's Python then
    # no longer shares the event loop's GIL; false keeps them in the bot's own threads
    nlp_process: bool = True
    # the model process's CPU priority below the bot's (0: the same; see engine_process.py)
    nlp_nice: int = Field(default=10, ge=0, le=19)
    # uvloop (default; bot/event_loop.py) or asyncio's own loop
    event_loop: EventLoopKind = "uvloop"

    # Users
    default_summary_length: Length = Length.SHORT
    default_timezone: str = "Europe/Moscow"
    user_rate_limit: int = Field(default=20, description="requests per user per window")
    user_rate_window_seconds: float = 60.0
    album_window_seconds: float = 2.0  # consecutive messages within this window form one article
    max_article_chars: int = 200_000

    # Link fetching
    fetch_timeout_seconds: float = 10.0
    fetch_max_bytes: int = 3_000_000
    fetch_max_redirects: int = 5
    fetch_allow_private: bool = False  # allow loopback/private addresses (tests, intranets)

    # Digests
    digest_default_time: str = "09:00"
    digest_send_empty: bool = False  # on an empty day: False sends nothing, True one short line
    digest_max_items: int = 15
    digest_catch_up_hours: float = 3.0  # a digest missed by less than this is sent late

    log_level: str = "INFO"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'newsbot.sqlite3').as_posix()}"

    @property
    def distributed(self) -> bool:
        """Model work and shared state on Redis (`python -m bot worker` does the model work)."""
        return bool(self.redis_url)

    @property
    def resolved_instance_id(self) -> str:
        return self.instance_id or socket.gethostname()

    def create_db_engine(self) -> AsyncEngine:
        return create_db_engine(self.resolved_database_url, pool_size=self.db_pool_size,
                                max_overflow=self.db_max_overflow,
                                pool_timeout=self.db_pool_timeout)

    def engine_config(self) -> EngineConfig:
        return EngineConfig(
            name=self.nlp_engine,
            summary_model=self.summary_model,
            qa_model=self.qa_model,
            device=self.device,
            dtype=self.dtype,
            model_dir=str(self.model_dir),
            preload=self.preload_models,
            threads=self.nlp_threads,
            reader_dir=self.reader_dir,
            summary=SummaryOptions(
                strategy=self.summary_strategy,
                max_input_tokens=self.summary_max_input_tokens,
                num_beams=self.summary_num_beams,
                no_repeat_ngram_size=self.summary_no_repeat_ngram_size,
            ),
            qa=QaOptions(
                max_length=self.qa_max_length,
                stride=self.qa_stride,
                null_threshold=self.qa_null_threshold,
                top_windows=self.qa_top_windows,
            ),
        )
