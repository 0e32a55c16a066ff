"""Domain helpers shared by features: topics, timezones, dates."""
