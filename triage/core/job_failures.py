"""Failed jobs keep where they failed, not what they were working on.

RQ stores the traceback of every failed job in its failed registry (kept for days) and
logs it. An exception's message may carry what a citizen wrote: a database driver
echoing the failing row, a validation error quoting its input, a message formatted with
the text. `scrubbed_traceback` keeps the frames (file, line, function, source line) and
each exception's type, and withholds the values in its message: the message's first line
is kept with quoted strings, numbers of four digits or more, e-mail addresses and
non-ASCII text replaced by `…`; the rest of a multi-line message (SQL parameters, a
DETAIL line with the row) is dropped. `TriageWorker` stores and logs only that.
"""

from __future__ import annotations

import re
import traceback
from types import TracebackType
from typing import Any

from rq import SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.queue import Queue

WITHHELD = "…"
MAX_MESSAGE_LENGTH = 240

_TRACEBACK_HEADER = "Traceback (most recent call last):"
_CHAIN_LINES = frozenset(
    {
        "The above exception was the direct cause of the following exception:",
        "During handling of the above exception, another exception occurred:",
    }
)
_VALUES = re.compile(
    r"""
      (?P<quoted>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")   # 'quoted' or "quoted"
    | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)           # e-mail address
    | (?P<number>[+(]?\d[\d\s().+-]{2,}\d)              # phone, coordinates, ids
    | (?P<text>[^\x00-\x7f]+)                           # non-ASCII: citizens' words
    """,
    re.VERBOSE,
)
_HEADER = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<message>.*))?$")


def scrubbed_message(message: str) -> str:
    first_line = message.split("\n", 1)[0]
    masked = _VALUES.sub(_withheld, first_line)
    if len(masked) > MAX_MESSAGE_LENGTH:
        masked = masked[:MAX_MESSAGE_LENGTH] + WITHHELD
    return masked


def _withheld(match: re.Match[str]) -> str:
    number = match["number"]
    if number is not None and sum(c.isdigit() for c in number) < 4:
        return number  # "line 3", "HTTP 500": not a value worth hiding
    return WITHHELD


def scrubbed_traceback(text: str) -> str:
    """A formatted traceback (`traceback.format_exception`) with the values withheld."""
    kept: list[str] = []
    in_frames = False
    in_message = False
    dropped = 0
    for line in text.splitlines():
        if line == _TRACEBACK_HEADER or line in _CHAIN_LINES:
            if dropped:
                kept.append(f"  [{dropped} more line(s) of the message withheld]")
            dropped, in_message = 0, False
            in_frames = line == _TRACEBACK_HEADER
            kept.append(line)
        elif in_message:
            dropped += 1
        elif not line.strip():
            kept.append("")
        elif in_frames and line.startswith("  "):
            kept.append(line)  # '  File "...", line N, in f' and its source line
        else:
            header = _HEADER.match(line)
            if header is None:
                kept.append(WITHHELD)
            elif header["message"] is None:
                kept.append(header["type"])
            else:
                kept.append(f"{header['type']}: {scrubbed_message(header['message'])}")
            in_frames, in_message = False, True
    if dropped:
        kept.append(f"  [{dropped} more line(s) of the message withheld]")
    return "\n".join(kept) + "\n"


def scrubbed_exception(error: BaseException) -> str:
    return scrubbed_traceback("".join(traceback.format_exception(error)))


# How long the thread reading the worker's command channel (RQ's kill and shutdown
# commands) waits per poll. RQ uses 60 s; redis-py's stop() then waits out that poll
# when the worker ends before the thread has read its subscription (a burst run under
# load), so stopping a worker took a minute (and a LINE reply token went stale in CI).
COMMAND_POLL_SECONDS = 1.0


class TriageWorker(SimpleWorker):
    """RQ's in-process worker, storing and logging failures with their values withheld.

    Both of RQ's places that see a job's exception are covered: the failed registry and
    the job's result (`handle_job_failure`), and the log line (`handle_exception`)."""

    def subscribe(self) -> None:
        """RQ's subscription to the worker's command channel, polled every second."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ inits it as None
            sleep_time=COMMAND_POLL_SECONDS,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,
        )

    def handle_job_failure(
        self,
        job: Job,
        queue: Queue,
        started_job_registry: Any = None,
        exc_string: Any = "",
        execution: Execution | None = None,
    ) -> None:
        super().handle_job_failure(
            job,
            queue,
            started_job_registry=started_job_registry,
            exc_string=scrubbed_traceback(exc_string) if exc_string else exc_string,
            execution=execution,
        )

    def handle_exception(
        self,
        job: Job,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        tb: TracebackType | None = None,
        *rest: Any,
    ) -> None:
        text = "".join(traceback.format_exception(exc_type, exc_value, tb))
        self.log.error("job %s failed:\n%s", job.id, scrubbed_traceback(text))
        for handler in getattr(self, "_exc_handlers", []):
            carry_on = handler(job, exc_type, exc_value, tb)
            if carry_on is not None and not carry_on:
                break  # RQ's rule: an explicit falsy answer stops the chain
