"""Running engagements: one run, a batch of clients, the command line."""
