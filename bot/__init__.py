"""The bot: settings, wiring, storage, services, the digest scheduler and the CLI."""
