"""Admin pages (registered on import by the app's admin module)."""
