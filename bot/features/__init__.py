"""Feature modules: each declares its commands, buttons and triggers into the registry."""
