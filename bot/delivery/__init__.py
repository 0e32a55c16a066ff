"""The delivery engine: schedules at local wall-clock time, and an outbox that sends once."""
