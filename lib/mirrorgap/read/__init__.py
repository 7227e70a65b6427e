"""Reading: raw survey files to tidy rows, labels to codes, the quality ledger (raw rows live here only)."""
