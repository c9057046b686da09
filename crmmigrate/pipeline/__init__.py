"""The pipeline stages as library calls: clean, validate, load, and run (all three)."""
