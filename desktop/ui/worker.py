"""Running service calls off the GUI thread, one at a time per resource.

`Worker` adapts any service call that yields events to Qt signals. `JobRunner`
keeps one queue per lane ("model" for the loaded chat model, "index:<name>" for
a collection), so the model is used by one job at a time and a collection is
indexed by one job at a time, while different lanes run side by side.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.types import CancelToken
from desktop.errors import Cancelled

logger = logging.getLogger(__name__)

JobFunction = Callable[[CancelToken], Iterable[Any] | Any]


class Worker(QObject):
    """Runs one job in its thread and reports by signals (queued to the GUI thread).

    `progress` carries each event the job yields, `result` the last one (or the
    job's return value), `failed` the exception; `finished` always comes last.
    A cancelled job ends with `finished` alone.
    """

    progress = Signal(object)
    result = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, job: JobFunction, cancel: CancelToken) -> None:
        super().__init__()
        self._job = job
        self.cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            outcome = self._job(self.cancel)
            if isinstance(outcome, Iterable) and not isinstance(outcome, (str, bytes, dict)):
                last = None
                for event in outcome:
                    self.progress.emit(event)
                    last = event
                outcome = last
            self.result.emit(outcome)
        except Cancelled:
            logger.info("job cancelled")
        except Exception as exc:  # reported to the UI; unexpected ones are logged too
            from desktop.errors import ArquivoError

            if not isinstance(exc, ArquivoError):
                logger.exception("job failed")
            self.failed.emit(exc)
        finally:
            self.finished.emit()


@dataclass
class Job:
    """A queued job: what to run and whom to tell."""

    function: JobFunction
    on_progress: Callable[[Any], None] | None = None
    on_result: Callable[[Any], None] | None = None
    on_failed: Callable[[Exception], None] | None = None
    on_finished: Callable[[], None] | None = None
    cancel: CancelToken = field(default_factory=CancelToken)


class _Relay(QObject):
    """Lives in the GUI thread, so the worker's signals reach the job's callbacks there.

    (A signal connected to a plain function runs it in the emitting thread; a
    slot of a QObject that lives in the GUI thread runs queued, in the GUI thread.)
    """

    def __init__(self, job: Job, on_done: Callable[[], None]) -> None:
        super().__init__()
        self._job = job
        self._on_done = on_done

    @Slot(object)
    def progress(self, event: object) -> None:
        if self._job.on_progress:
            self._job.on_progress(event)

    @Slot(object)
    def result(self, value: object) -> None:
        if self._job.on_result:
            self._job.on_result(value)

    @Slot(object)
    def failed(self, error: object) -> None:
        if self._job.on_failed and isinstance(error, Exception):
            self._job.on_failed(error)

    @Slot()
    def finished(self) -> None:
        self._on_done()


class JobRunner(QObject):
    """One queue and at most one running thread per lane."""

    busy_changed = Signal(str, bool)  # lane, busy
    idle = Signal()  # the last running job of all lanes has ended

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queues: dict[str, deque[Job]] = {}
        self._running: dict[str, tuple[Job, QThread, Worker, _Relay]] = {}

    def submit(self, lane: str, job: Job) -> Job:
        self._queues.setdefault(lane, deque()).append(job)
        self._start_next(lane)
        return job

    def is_busy(self, lane: str) -> bool:
        return lane in self._running

    def any_busy(self) -> bool:
        return bool(self._running)

    def cancel(self, lane: str) -> None:
        """Drop the lane's queued jobs, then ask the running one to stop.

        A dropped job still gets its `on_finished`, as a cancelled one does: the
        window re-enables what it disabled for it there.
        """
        queue = self._queues.get(lane, deque())
        dropped = list(queue)
        queue.clear()
        self.stop_running(lane)
        for job in dropped:
            job.cancel.cancel()
            if job.on_finished:
                job.on_finished()

    def stop_running(self, lane: str) -> None:
        """Ask the lane's running job to stop; what is queued behind it still runs."""
        if lane in self._running:
            self._running[lane][0].cancel.cancel()

    def cancel_all(self) -> None:
        for lane in list(self._queues):
            self.cancel(lane)

    def wait_all(self, timeout_ms: int = 30_000) -> None:
        """Block until running jobs end their threads: for short jobs (a file header
        read), as the GUI thread waits, or once the event loop has ended."""
        for _, thread, worker, _ in list(self._running.values()):
            worker.finished.connect(thread.quit)
            thread.quit()
            thread.wait(timeout_ms)

    def _start_next(self, lane: str) -> None:
        queue = self._queues.get(lane)
        if lane in self._running or not queue:
            return
        job = queue.popleft()
        thread = QThread()
        worker = Worker(job.function, job.cancel)
        worker.moveToThread(thread)
        relay = _Relay(job, lambda: self._on_job_finished(lane))
        worker.progress.connect(relay.progress)
        worker.result.connect(relay.result)
        worker.failed.connect(relay.failed)
        worker.finished.connect(relay.finished)
        thread.started.connect(worker.run)
        self._running[lane] = (job, thread, worker, relay)
        self.busy_changed.emit(lane, True)
        thread.start()

    def _on_job_finished(self, lane: str) -> None:
        """In the GUI thread, after the job's last event has been delivered."""
        job, thread, worker, relay = self._running.pop(lane)
        thread.quit()
        thread.wait()  # the job has returned: its thread ends at once
        worker.deleteLater()
        thread.deleteLater()
        relay.deleteLater()
        try:
            if job.on_finished:
                job.on_finished()
        finally:  # a failing callback must not stall the jobs queued behind it
            if not self._queues.get(lane):
                self.busy_changed.emit(lane, False)
            self._start_next(lane)
            if not self._running:
                self.idle.emit()
