"""The platform-neutral core: events in, messages out, no platform library imported."""
