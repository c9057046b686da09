"""Standardisers, one module per kind; ``dispatch`` applies them to a frame by field type."""
