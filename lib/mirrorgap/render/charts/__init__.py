"""Charts, seaborn's convention: data first, the rest keyword-only, draw on `ax`, return it."""
