"""Arquivo: an offline assistant that answers questions about a person's own documents."""

__version__ = "0.1.0"
