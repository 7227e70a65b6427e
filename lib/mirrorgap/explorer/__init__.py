"""The analysts' explorer: live settings over the same views, written back to params."""
