"""Answering: a question asked off the GUI thread, its answer shown as it is written.

The answer in flight is one `AnswerSession`. The job (`services.ask_with_adapters`)
yields typed events, and `on_event` is their one dispatch: a handler per event type. A
comparison's events come wrapped as `SideEvent`; each goes to its side's pane, and the
side with the adapters also to the chat, which keeps that answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import singledispatchmethod
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from desktop.core.types import Answer, CancelToken
from desktop.errors import ArquivoError
from desktop.services.adapters import WITH, Comparison, SideEvent
from desktop.services.ask_with_adapters import AdaptersInUse, AskEvent, ask_with_adapters
from desktop.services.assistant import AnswerDelta, DocumentStep, ReadingSources, SourcesFound
from desktop.services.chats import ChatMessage, ChatSource, ChatStore
from desktop.services.workspace import Workspace
from desktop.ui.controllers.adapters import MODEL_LANE, AdaptersController
from desktop.ui.controllers.answer_session import AnswerSession
from desktop.ui.controllers.chats import ChatsController
from desktop.ui.controllers.panes import Messages, Panes
from desktop.ui.worker import Job, JobRunner

CHAT = None  # the side an event is shown on when it is the chat's own answer


class AnsweringController(QObject):
    """Asks the chat's question in the model's lane and shows the answer as it comes."""

    answer_done = Signal(object)  # Answer, or None when stopped or failed
    compare_done = Signal(object)  # Comparison, or None when stopped or failed

    def __init__(
        self,
        ws: Workspace,
        store: ChatStore,
        runner: JobRunner,
        panes: Panes,
        chats: ChatsController,
        adapters: AdaptersController,
        collection_names: Callable[[], list[str]],
        speed_label: QLabel,
        messages: Messages,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.store = store
        self.runner = runner
        self.panes = panes
        self.chats = chats
        self.adapters = adapters
        self.session: AnswerSession | None = None  # the answer being written, if any
        self._collection_names = collection_names
        self._speed_label = speed_label
        self._messages = messages
        panes.chat.question_submitted.connect(self.ask)
        panes.chat.stop_requested.connect(self.stop)
        panes.chat.regenerate_requested.connect(self.regenerate)
        chats.chat_shown.connect(self._on_chat_shown)
        chats.deleting.connect(self._on_chat_deleting)

    def ask(self, question: str) -> None:
        scope = self.panes.chat.selected_collections()
        if not scope:
            if self._collection_names():
                self._messages.show_error(ArquivoError(self.tr("Choose at least one collection to search.")))
            else:
                self._messages.show_error(ArquivoError(self.tr("There are no documents yet: add a folder first.")))
            return
        choices = self.adapters.adapter_choices(scope)
        comparing = self.panes.compare.comparing()
        if comparing and not choices:
            self._messages.show_error(ArquivoError(self.tr("There is no adapter to compare with: add one in the settings, or give the collection one.")))
            return
        chat_id = self.chats.ensure_chat(question, scope)
        self.store.add_message(chat_id, ChatMessage("user", question))
        session = self.session = AnswerSession(chat_id, question, comparing)
        if comparing:
            self.panes.compare.start(choices)
        self.panes.chat.start_answer(question)
        self.panes.chat.set_busy(True)
        self.panes.sources.show_sources([], question)
        self.chats.refresh()

        def answer(cancel: CancelToken) -> object:
            # the model's lane runs it after any load or switch queued before it
            return ask_with_adapters(
                self.ws.assistant, scope, question, choices, compare=comparing, cancel=cancel
            )

        self.runner.submit(
            MODEL_LANE,
            Job(
                answer,
                on_progress=lambda event: self.on_event(event, session),
                on_failed=self._messages.show_error,
                on_finished=lambda: self._on_finished(session),
            ),
        )

    def stop(self) -> None:
        self.runner.cancel(MODEL_LANE)

    def regenerate(self) -> None:
        question = self.panes.chat.last_question()
        if not question or self.chats.current is None:
            return
        self.store.remove_last_exchange(self.chats.current)
        self.panes.chat.drop_last_answer()
        self.ask(question)

    def _on_screen(self, session: AnswerSession) -> bool:
        """Whether the chat being answered is the one shown (the user may open another)."""
        return session is self.session and session.chat_id == self.chats.current

    # The events of an answer: one dispatch, a handler per type

    @singledispatchmethod
    def on_event(self, event: AskEvent, session: AnswerSession, side: str | None = CHAT) -> None:
        """An event that shows nothing."""

    @on_event.register
    def _on_adapters_in_use(self, event: AdaptersInUse, session: AnswerSession, side: str | None = CHAT) -> None:
        self.adapters.show_in_use(event)

    @on_event.register
    def _on_side_event(self, event: SideEvent, session: AnswerSession, side: str | None = CHAT) -> None:
        self.on_event(event.event, session, event.side)
        if event.side == WITH:  # the chat keeps the answer with the adapters
            self.on_event(event.event, session, CHAT)

    @on_event.register
    def _on_comparison(self, event: Comparison, session: AnswerSession, side: str | None = CHAT) -> None:
        session.comparison = event

    @on_event.register
    def _on_sources_found(self, event: SourcesFound, session: AnswerSession, side: str | None = CHAT) -> None:
        waiting = self.reading_sources_text(len(event.sources)) if event.sources else ""
        if side is not CHAT:
            if waiting:
                self.panes.compare.show_step(side, waiting)
            return
        session.sources = [
            ChatSource(s.n, s.hit.path, s.hit.page, s.hit.text, s.hit.paths) for s in event.sources
        ]
        if self._on_screen(session):
            self.panes.sources.show_sources(session.sources, session.question)
            if waiting:
                self.panes.chat.show_step(waiting)

    @on_event.register
    def _on_reading(self, event: ReadingSources, session: AnswerSession, side: str | None = CHAT) -> None:
        if side is not CHAT:
            self.panes.compare.show_step(side, self.reading_progress_text(event))
        elif self._on_screen(session) and not session.partial:
            self.panes.chat.show_step(self.reading_progress_text(event))

    @on_event.register
    def _on_document_step(self, event: DocumentStep, session: AnswerSession, side: str | None = CHAT) -> None:
        if side is not CHAT:
            self.panes.compare.show_step(side, self.document_step_text(event))
        elif self._on_screen(session):
            self.panes.chat.show_step(self.document_step_text(event))

    @on_event.register
    def _on_delta(self, event: AnswerDelta, session: AnswerSession, side: str | None = CHAT) -> None:
        if side is not CHAT:
            self.panes.compare.append(side, event.text)
            return
        session.partial.append(event.text)
        if self._on_screen(session):
            self.panes.chat.append_delta(event.text)

    @on_event.register
    def _on_answer(self, event: Answer, session: AnswerSession, side: str | None = CHAT) -> None:
        if side is not CHAT:
            self.panes.compare.finish(side, event.text)
            return
        session.answer = event
        if event.timings.tokens_per_s:
            self._speed_label.setText(self.tr("{speed:.1f} tokens/s").format(speed=event.timings.tokens_per_s))

    def _on_finished(self, session: AnswerSession) -> None:
        """Keep the answer (or what was written of it) in its chat, which may no longer
        be the one on screen, or may have been deleted meanwhile."""
        on_screen = self._on_screen(session)
        self.session = None
        message = session.message()
        if message is not None and self.store.exists(session.chat_id):
            self.store.add_message(session.chat_id, message)
        if on_screen:
            self.panes.chat.finish_answer(message)
            if message is not None and session.answer is not None:
                self.panes.sources.show_sources(message.sources, session.question)
        self.panes.chat.set_busy(False)
        self.chats.refresh()
        self.answer_done.emit(session.answer)
        if session.comparing:
            self.compare_done.emit(session.comparison)

    # Following the chat on screen

    def _on_chat_shown(self, chat_id: int | None) -> None:
        """Back to the chat being answered: its answer so far. One answer at a time."""
        session = self.session
        if session is not None and session.chat_id == chat_id:
            self.panes.chat.resume_answer(session.text_so_far())
            self.panes.sources.show_sources(session.sources, session.question)
        self.panes.chat.set_busy(session is not None)

    def _on_chat_deleting(self, chat_id: int) -> None:
        if self.session is not None and self.session.chat_id == chat_id:
            self.stop()  # its answer has nowhere to go

    # What the answer's place says while it waits

    def reading_progress_text(self, event: ReadingSources) -> str:
        """How far the model has read its sources: on a CPU, the wait before the first word."""
        return self.tr("Reading the sources: {percent}%").format(
            percent=round(100 * event.fraction)
        )

    def reading_sources_text(self, count: int) -> str:
        """What the answer waits for once its sources are found: the model reads them,
        which takes seconds on a CPU before the first word (README, "The default model's
        answers")."""
        if count == 1:
            return self.tr("Reading the source found…")
        return self.tr("Reading the {n} sources found…").format(n=count)

    def document_step_text(self, step: DocumentStep) -> str:
        """How far a whole-document answer has read a file too long to give whole."""
        name = Path(step.path).name
        if step.done < step.total:
            return self.tr("Reading {file}: part {n} of {total}…").format(
                file=name, n=step.done + 1, total=step.total
            )
        return self.tr("Read {file} ({total} parts): writing the answer…").format(
            file=name, total=step.total
        )
