"""aiogram routers, one per feature; they call services and render replies, nothing else."""
