"""The settings table, written from the `Settings` dataclass and its field help.

Each row is a field of `Settings`: its name, its default as written in settings.toml,
and its line of `FIELD_HELP` (the same text the command line's help uses).
"""

from __future__ import annotations

from dataclasses import fields

from desktop.settings import FIELD_HELP, Settings


def toml_value(value: object) -> str:
    """A default as it is written in settings.toml."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def settings_table() -> str:
    """One row per setting, in the dataclass's order."""
    defaults = Settings()
    lines = ["| setting | default | what it does |", "|---|---|---|"]
    for field in fields(Settings):
        value = getattr(defaults, field.name)
        shown = f"`{toml_value(value)}`"
        lines.append(f"| `{field.name}` | {shown} | {FIELD_HELP[field.name]} |")
    return "\n".join(lines)
