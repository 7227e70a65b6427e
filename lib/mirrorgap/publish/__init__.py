"""Delivery of the dashboard to the client: a self-contained bundle per client (`bundle`), the one
command that serves a bundle (`serve_bundle`), and one host serving many bundles behind a login
(`accounts`, `host`, `proxy`, `backends`). Nothing here reads raw rows."""
