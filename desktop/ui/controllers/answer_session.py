"""The answer being written: one object from the question to what the chat keeps of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.types import Answer
from desktop.services.adapters import Comparison
from desktop.services.chats import ChatMessage, ChatSource, sources_of


@dataclass
class AnswerSession:
    """One question in flight. The chat it belongs to may leave the screen (or be
    deleted) while it runs: what the answer has written is kept here, not in the view."""

    chat_id: int  # the chat the answer goes to
    question: str
    comparing: bool = False  # answered without and with the adapters, side by side
    partial: list[str] = field(default_factory=list)  # what the answer has written so far
    sources: list[ChatSource] = field(default_factory=list)  # the sources it was given
    answer: Answer | None = None  # the whole answer, once written
    comparison: Comparison | None = None

    def text_so_far(self) -> str:
        return "".join(self.partial)

    def message(self) -> ChatMessage | None:
        """What the chat keeps: the whole answer with its sources; or, for an answer
        stopped or failed, what was written of it with the sources it was given."""
        if self.answer is not None:
            return ChatMessage("assistant", self.answer.text, sources_of(self.answer))
        partial = self.text_so_far()
        if not partial.strip():
            return None
        return ChatMessage("assistant", partial + " …", tuple(self.sources))
