"""Statistics: pure estimators (numpy/scipy); imports nothing else of mirrorgap."""
