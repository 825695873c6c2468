"""The README's settings table, generated from `Settings` so the two never drift.

`python -m desktop.settings_doc` prints it; a test checks the README holds it.
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
    defaults = Settings()
    lines = ["| setting | default | what it does |", "|---|---|---|"]
    for field in fields(Settings):
        value = getattr(defaults, field.name)
        shown = f"`{toml_value(value)}`"
        lines.append(f"| `{field.name}` | {shown} | {FIELD_HELP[field.name]} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(settings_table())
