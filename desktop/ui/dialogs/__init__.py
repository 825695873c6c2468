"""Dialogs: settings, the internal PDF viewer, errors."""
