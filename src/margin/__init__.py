"""margin: a static site generator for a researcher's knowledge base."""

__version__ = "0.1.0"
