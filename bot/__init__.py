"""mentorbot: a platform-neutral mentoring bot core."""

__version__ = "0.1.0"
