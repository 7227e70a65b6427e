"""The client's read-only Voilà dashboard: server launch, guard, widgets (never imports read/)."""
