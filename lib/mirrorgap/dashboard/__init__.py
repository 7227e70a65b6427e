"""The client's read-only Voilà dashboard: server launch and guard, filters, panels, the board that links
them (never imports read/)."""
