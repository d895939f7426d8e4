"""Prometheus metrics (prometheus-client): what an operator of many instances watches.

Bot instances serve them on the webhook server's `/metrics`; workers on `METRICS_PORT`. Each
process has its own registry (the default one): Prometheus adds instances up.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

UPDATES = Counter("newsbot_updates_total", "Updates handled to the end", ["outcome"])
REPLIES = Counter("newsbot_replies_total", "Replies sent, by kind",
                  ["kind"])  # summary, answer, busy, timeout, error, other
TELEGRAM_429 = Counter("newsbot_telegram_429_total", "429 Too Many Requests from the Bot API")
MODEL_TASK_SECONDS = Histogram(
    "newsbot_model_task_seconds", "A model call as the bot waits for it (queue included)",
    ["task", "where"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
MODEL_TASKS_WAITING = Gauge("newsbot_model_tasks_waiting",
                            "Model calls this bot instance is waiting for (its queue depth)")
WORKER_TASK_SECONDS = Histogram(
    "newsbot_worker_task_seconds", "A model task inside a worker", ["task", "outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
WORKER_TASKS_RUNNING = Gauge("newsbot_worker_tasks_running",
                             "Model tasks a worker has taken and not finished")
PREPARED_STATE = Counter("newsbot_prepared_state_total",
                         "Articles' prepared state: computed and shared, or loaded from the pool",
                         ["source"])

# Readers' 👍/👎 on answers (verdict "up"/"down", kind: the question's kind, «кто», «сколько»…).
# A first vote counts once; a changed vote counts again under its new verdict.
ANSWER_VOTES = Counter("newsbot_answer_votes_total", "Readers' votes on answers",
                       ["verdict", "kind"])


def serve_worker_metrics(port: int) -> None:
    """A worker has no web server of its own: prometheus-client's serves `/metrics`."""
    start_http_server(port)
