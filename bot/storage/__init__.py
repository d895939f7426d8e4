"""Storage: SQLAlchemy 2 async; a SQLite file by default, PostgreSQL by URL."""
