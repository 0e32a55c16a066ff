"""Platform adapters: translate platform updates to core events and core messages back."""
