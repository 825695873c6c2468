"""The command line's reference, written from the parser the `arquivo` command itself uses.

Usage lines are built here rather than by argparse's formatter, whose wrapping follows
the terminal's width and whose layout changes between Python versions: the page must
come out the same on every machine.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docs.generators.blocks import slug


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def walk(
    parser: argparse.ArgumentParser, summary: str = ""
) -> Iterator[tuple[argparse.ArgumentParser, str]]:
    """`parser`, then each of its subcommands' parsers in the order they were added, depth
    first, each with the one-line help its parent gives it."""
    yield parser, summary
    sub = _subcommands(parser)
    if sub is None:
        return
    helps = {choice.dest: choice.help or "" for choice in sub._choices_actions}
    for name, child in sub.choices.items():
        yield from walk(child, helps.get(name, ""))


def _shown(actions: list[argparse.Action]) -> list[argparse.Action]:
    return [
        a
        for a in actions
        if a.help != argparse.SUPPRESS and not isinstance(a, argparse._HelpAction)
    ]


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    return action.dest.upper() if action.option_strings else action.dest


def _value(action: argparse.Action) -> str:
    """What follows the option or stands for the argument, by its `nargs`."""
    name = _metavar(action)
    nargs = action.nargs
    if nargs == 0:
        return ""
    if nargs is None or nargs == 1:
        return name
    if nargs == "?":
        return f"[{name}]"
    if nargs == "*":
        return f"[{name} ...]"
    if nargs == "+":
        return f"{name} [{name} ...]"
    if nargs == argparse.PARSER:
        return f"{name} ..."
    if isinstance(nargs, int):
        return " ".join([name] * nargs)
    return name


def usage(parser: argparse.ArgumentParser) -> str:
    """`prog [options] positionals`, each option in its own brackets unless required."""
    parts = [parser.prog]
    actions = _shown(parser._actions)
    for action in (a for a in actions if a.option_strings):
        text = " ".join(filter(None, [action.option_strings[0], _value(action)]))
        parts.append(text if action.required else f"[{text}]")
    for action in (a for a in actions if not a.option_strings):
        text = _value(action)
        if isinstance(action, argparse._SubParsersAction) and not action.required:
            text = f"[{text}]"
        parts.append(text)
    return " ".join(parts)


def _default(action: argparse.Action) -> Any:
    default = action.default
    if default in (None, False, [], argparse.SUPPRESS) or action.nargs == 0:
        return None
    return str(default) if isinstance(default, Path) else default


def _help(action: argparse.Action, prog: str) -> str:
    if isinstance(action, argparse._SubParsersAction):
        links = [f"[`{name}`](#{slug(f'{prog} {name}')})" for name in action.choices]
        return "one of: " + ", ".join(links)
    text = action.help or ""
    if not text and not action.option_strings:
        text = {"+": "one or more", "?": "optional", "*": "any number"}.get(
            str(action.nargs), "required"
        )
    if "%" in text:
        text = text % {**vars(action), "prog": prog}
    default = _default(action)
    if default is not None and "default" not in text:
        text = f"{text} (default: `{default}`)" if text else f"default: `{default}`"
    if action.choices is not None and action.metavar is not None:
        text += f" (one of: {', '.join(str(c) for c in action.choices)})"
    if action.option_strings and action.nargs == argparse.OPTIONAL:
        text += " (optional value)"
    return text.replace("|", "\\|")


def _argument(action: argparse.Action) -> str:
    value = _value(action)
    if not action.option_strings:
        return f"`{value}`"
    return ", ".join(f"`{' '.join(filter(None, [o, value]))}`" for o in action.option_strings)


def command_section(parser: argparse.ArgumentParser, summary: str, level: str) -> str:
    """One command: heading, what it does, usage, and a table of its arguments."""
    lines = [f"{level} `{parser.prog}`", ""]
    about = parser.description or summary
    if about:
        lines += [about, ""]
    lines += ["```", usage(parser), "```", ""]
    actions = _shown(parser._actions)
    if actions:
        lines += ["| argument | what it does |", "|---|---|"]
        for action in actions:
            lines.append(f"| {_argument(action)} | {_help(action, parser.prog)} |")
        lines.append("")
    if parser.epilog:
        lines += [parser.epilog, ""]
    return "\n".join(lines)


def render(parser: argparse.ArgumentParser) -> str:
    """Every command of `parser`, the program itself first, as Markdown."""
    sections = []
    for command, summary in walk(parser):
        depth = max(len(command.prog.split()) - 2, 0)  # `arquivo` and `arquivo ask` alike
        sections.append(command_section(command, summary, "#" * min(3 + depth, 5)))
    return "\n".join(sections).rstrip("\n") + "\n"
