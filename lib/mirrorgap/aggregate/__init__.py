"""Aggregation and suppression: the anonymised counts, the only input of client-facing views."""
