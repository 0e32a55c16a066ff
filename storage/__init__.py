"""Storage: SQLAlchemy 2 models, sessions, Alembic migrations and repository functions."""
