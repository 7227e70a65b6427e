"""Settings: the engagement's params schema, where files live, the texts per language."""
