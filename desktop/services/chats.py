"""Past chats: kept in SQLite beside the index, searchable, exportable as Markdown.

A chat remembers which collections it searched, and each answer keeps the
sources it was given, so an old answer's citations still open the right file
and page.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.index.sqlite_connections import check_sound, opening_error
from desktop.core.language.words import fold_word
from desktop.core.types import Answer
from desktop.errors import ArquivoError
from desktop.terminal import printable


@dataclass(frozen=True)
class ChatSource:
    n: int
    path: str
    page: int | None
    text: str
    paths: tuple[str, ...] = ()
    cited: bool | None = None  # whether the answer cites it; None while it is being written
    support: tuple[int, int] | None = None  # span of the answer's supporting sentence in `text`
    # A passage shown with a refusal, never given to the model (kept with `cited` False:
    # the answer cites nothing, and the pane greys it like any passage not cited).
    closest: bool = False

    @property
    def support_sentence(self) -> str:
        return self.text[self.support[0] : self.support[1]] if self.support else ""


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "user" or "assistant"
    text: str
    sources: tuple[ChatSource, ...] = ()
    created: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Chat:
    id: int
    title: str
    collections: tuple[str, ...]
    created: float
    updated: float


def sources_of(answer: Answer) -> tuple[ChatSource, ...]:
    """The answer's sources as a chat keeps them: cited or not, and where its support
    lies; for a refusal, the closest passages, marked as such."""
    support = answer.support
    sources = tuple(
        ChatSource(
            s.n,
            s.hit.path,
            s.hit.page,
            s.hit.text,
            s.hit.paths,
            cited=answer.is_cited(s.n),
            support=(support.start, support.end) if support and support.n == s.n else None,
        )
        for s in answer.sources
    )
    closest = tuple(
        ChatSource(s.n, s.hit.path, s.hit.page, s.hit.text, s.hit.paths, cited=False, closest=True)
        for s in answer.closest
    )
    return sources + closest


_SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    collections TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    sources TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_chat ON messages (chat_id, id);
"""


class ChatStore:
    """Chats of one data folder. Safe to call from the GUI thread only (it is fast)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA foreign_keys=ON")
            # a deleted chat's text is overwritten, not left in free pages
            self._db.execute("PRAGMA secure_delete=ON")
            # SQLite's LIKE folds ASCII letters only ("RELATÓRIO" is not "relatório")
            # and reads % and _ as wildcards: searches compare folded text instead.
            self._db.create_function("fold", 1, _fold_or_none, deterministic=True)
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
        except sqlite3.DatabaseError as exc:
            raise opening_error(path, "the chat history", exc) from exc

    def close(self) -> None:
        self._db.close()

    def create(self, title: str, collections: Sequence[str]) -> Chat:
        now = time.time()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO chats (title, collections, created, updated) VALUES (?, ?, ?, ?)",
                (title, json.dumps(list(collections)), now, now),
            )
        assert cursor.lastrowid is not None
        return self.get(cursor.lastrowid)

    def get(self, chat_id: int) -> Chat:
        row = self._db.execute(
            "SELECT id, title, collections, created, updated FROM chats WHERE id = ?", (chat_id,)
        ).fetchone()
        if row is None:
            raise ArquivoError(f"no chat with id {chat_id}")
        return _chat(row)

    def chats(self, collection: str | None = None, text: str = "") -> list[Chat]:
        """Newest first; `text` matches titles and messages, ignoring case and accents."""
        sql = "SELECT id, title, collections, created, updated FROM chats"
        args: list[Any] = []
        if text:
            wanted = fold_word(text)
            sql += (
                " WHERE (instr(fold(title), ?) > 0 OR id IN "
                "(SELECT chat_id FROM messages WHERE instr(fold(text), ?) > 0))"
            )
            args += [wanted, wanted]
        sql += " ORDER BY updated DESC, id DESC"
        chats = [_chat(row) for row in self._db.execute(sql, args)]
        if collection is not None:
            chats = [c for c in chats if collection in c.collections]
        return chats

    def rename(self, chat_id: int, title: str) -> None:
        with self._lock:
            self._db.execute("UPDATE chats SET title = ? WHERE id = ?", (title, chat_id))

    def set_collections(self, chat_id: int, collections: Sequence[str]) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE chats SET collections = ? WHERE id = ?",
                (json.dumps(list(collections)), chat_id),
            )

    def exists(self, chat_id: int) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM chats WHERE id = ?", (chat_id,)).fetchone()
        return row is not None

    def check(self) -> None:
        """Raise DamagedFileError unless SQLite finds the file sound."""
        with self._lock:
            check_sound(self._db, self.path, "the chat history")

    def delete(self, chat_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))

    def add_message(self, chat_id: int, message: ChatMessage) -> None:
        sources = json.dumps(
            [
                {
                    "n": s.n,
                    "path": s.path,
                    "page": s.page,
                    "text": s.text,
                    "paths": list(s.paths),
                    "cited": s.cited,
                    "support": list(s.support) if s.support else None,
                    "closest": s.closest,
                }
                for s in message.sources
            ],
            ensure_ascii=False,
        )
        with self._lock:
            self._db.execute(
                "INSERT INTO messages (chat_id, role, text, sources, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat_id, message.role, message.text, sources, message.created),
            )
            self._db.execute("UPDATE chats SET updated = ? WHERE id = ?", (time.time(), chat_id))

    def remove_last_exchange(self, chat_id: int) -> None:
        """Drop the last question and its answer, for Regenerate."""
        with self._lock:
            (last_question,) = self._db.execute(
                "SELECT max(id) FROM messages WHERE chat_id = ? AND role = 'user'", (chat_id,)
            ).fetchone()
            if last_question is not None:
                self._db.execute(
                    "DELETE FROM messages WHERE chat_id = ? AND id >= ?", (chat_id, last_question)
                )

    def messages(self, chat_id: int) -> list[ChatMessage]:
        rows = self._db.execute(
            "SELECT role, text, sources, created FROM messages WHERE chat_id = ? ORDER BY id",
            (chat_id,),
        )
        return [
            ChatMessage(
                role,
                text,
                tuple(
                    ChatSource(
                        s["n"],
                        s["path"],
                        s["page"],
                        s["text"],
                        tuple(s.get("paths", ())),
                        cited=s.get("cited"),
                        support=_span(s.get("support")),
                        closest=bool(s.get("closest", False)),
                    )
                    for s in json.loads(sources)
                ),
                created,
            )
            for role, text, sources, created in rows
        ]

    def export_markdown(self, chat_id: int) -> str:
        """The chat as Markdown: each question, its answer, and the answer's sources."""
        chat = self.get(chat_id)
        lines = [f"# {chat.title}", "", f"Collections: {', '.join(chat.collections)}", ""]
        for message in self.messages(chat_id):
            if message.role == "user":
                lines += [f"## {' '.join(message.text.split())}", ""]  # one line: a heading
                continue
            lines += [message.text.strip(), ""]
            if message.sources:
                closest = all(s.closest for s in message.sources)
                lines.append("Closest passages (not an answer):" if closest else "Sources:")
                lines.append("")
                for s in message.sources:
                    page = f", page {s.page}" if s.page else ""
                    mark = " (not cited)" if s.cited is False and not closest else ""
                    snippet = " ".join(s.text.split())[:300]
                    lines.append(f"{s.n}. {markdown_code(s.path)}{page}{mark} — {snippet}")
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def markdown_code(text: str) -> str:
    """`text` as a Markdown code span that nothing in it can end: a file name may hold
    backticks (fenced by a longer run) and newlines (written out, as on a terminal)."""
    text = printable(text, one_line=True)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold_word(text)


def _span(value: Any) -> tuple[int, int] | None:
    """A stored [start, end] pair, or None for chats saved before supports were kept."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (value[0], value[1])
    return None


def title_from_question(question: str, limit: int = 60) -> str:
    flat = " ".join(question.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _chat(row: tuple[Any, ...]) -> Chat:
    chat_id, title, collections, created, updated = row
    return Chat(chat_id, title, tuple(json.loads(collections)), created, updated)


