"""Running mentorbot as a service: process locks, logs, health, metrics, shutdown."""
