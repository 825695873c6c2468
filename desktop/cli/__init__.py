"""The `arquivo` command line."""
