"""Readers that turn a user's files into Documents, one module per format."""

from desktop.core.ingest.registry import SUPPORTED_SUFFIXES, read_document

__all__ = ["SUPPORTED_SUFFIXES", "read_document"]
