"""The web port: health and metrics now, the dashboard later, on one Starlette app."""
