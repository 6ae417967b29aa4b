"""rashomon: how each source tells the story."""

__version__ = "0.1.0"
