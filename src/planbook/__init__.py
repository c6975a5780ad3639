"""planbook: lint, check and publish implementation plans that live in git."""

__version__ = "0.1.0"
