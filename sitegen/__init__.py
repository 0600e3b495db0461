"""sitegen: a static site generator for archives."""

__version__ = "0.1.0"
