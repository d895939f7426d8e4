"""Scale-out mode (`REDIS_URL` set): bot instances without models, workers with them.

Model work goes through taskiq on a Redis stream (acknowledged only once its result is saved,
so a task whose worker died is delivered again); what the in-process mode keeps in memory per
process (rate limits, split pastes, articles on their way, the order of a chat's answers, flood
limits) is kept in Redis with TTLs, so any instance can take any update.
"""
