"""The deck's slides, one module per group; each function draws its slides on a `furniture.Deck`
and draws nothing when the run has no table for it."""
