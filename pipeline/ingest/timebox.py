"""Documents parsed and extracted in forked child processes, one document at a time, so that one
running past `Limits.document_seconds` is stopped (the child killed) and recorded as an error
while the batch goes on; a child that dies (a crash in a parser's C code, the kernel's OOM
killer) costs its document only. Children are kept for the next documents (forking one and
the pages it copies cost more than a batch's worth of round trips) and forked again after a
kill; a child closes every descriptor it inherits but its pipes (a database's lock is one) and
ends with the process that forked it."""

import contextlib
import gc
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
from collections import deque
from typing import Any

from pipeline import lifeline, settings

_HEADER = struct.Struct("!Q")
_POLL_PARENT = 1.0  # seconds between a child's checks that its parent lives


class Stopped(Exception):
    """A document's child was killed past its time, or died; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def available() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin"  # macOS: fork is unsafe once frameworks load


class _Child:
    """One forked child and its two pipes; used by one thread at a time."""

    def __init__(self):
        requests_r, requests_w = os.pipe()
        results_r, results_w = os.pipe()
        parent = os.getpid()
        gc.freeze()  # the child's collector leaves the parent's objects alone: their pages stay shared
        try:
            pid = os.fork()
        except BaseException:
            gc.unfreeze()
            raise
        if pid == 0:  # the child
            try:
                _close_all_but(requests_r, results_w)
                _serve(requests_r, results_w, parent)
            finally:
                os._exit(0)
        gc.unfreeze()
        os.close(requests_r)
        os.close(results_w)
        os.set_blocking(requests_w, False)  # requests wait in `_outbox` while the child is busy (`_flush`)
        self.pid, self._requests, self._results = pid, requests_w, results_r
        self._open, self._ended, self._environment = True, None, dict(os.environ)
        self._outbox = bytearray()

    def send(self, calls: list[tuple[Any, tuple]]) -> None:
        """Ask the child for `function(*arguments)` for each (function, arguments) of `calls`, in order."""
        environment = dict(os.environ)
        changed = environment if environment != self._environment else None  # the child keeps the last one
        request = pickle.dumps((calls, changed), protocol=pickle.HIGHEST_PROTOCOL)
        self._environment = environment
        self._outbox += _HEADER.pack(len(request)) + request
        self._flush()

    def _flush(self) -> None:
        """Write what the pipe takes of the requests waiting: never blocks, so that this process
        keeps the time of a child that does not read (BrokenPipeError if it died)."""
        while self._outbox:
            try:
                written = os.write(self._requests, self._outbox)
            except BlockingIOError:
                return
            del self._outbox[:written]

    def receive(self, seconds: float) -> tuple[bool, object]:
        """The next call's (ok, value); Stopped past `seconds` from now or if the child dies."""
        deadline = time.monotonic() + seconds if seconds else None
        header = self._read(_HEADER.size, deadline, seconds)
        return pickle.loads(self._read(_HEADER.unpack(header)[0], deadline, seconds))  # type: ignore[no-any-return]

    def _read(self, size: int, deadline: float | None, seconds: float) -> bytes:
        chunks, left = [], size
        while left:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise Stopped(
                    f"stopped after {seconds:g} s, the limit of time per document "
                    f"({settings.Limits.ENV['document_seconds']})"
                )
            readable, writable, _ = select.select([self._results], [self._requests] if self._outbox else [], [], wait)
            if writable:
                try:
                    self._flush()
                except BrokenPipeError:  # it died: what it answered is still to be read
                    self._outbox.clear()
            if not readable:
                continue
            chunk = os.read(self._results, min(left, 1 << 20))
            if not chunk:
                raise Stopped(f"the process reading it died ({self._end()})")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        if self._ended is None:  # not reaped yet: the pid is still this child's
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self._end()

    def _end(self, status: int | None = None) -> str:
        """Close the child's pipes (an idle child reads their end and exits) and reap it; how it ended."""
        if self._ended is not None:
            return self._ended
        self._close_fds()
        if status is None:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                status = 0
        self._ended = self._describe(status)
        return self._ended

    @staticmethod
    def _describe(status: int) -> str:
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            return f"killed by signal {number}, {signal.Signals(number).name}" + (
                ": out of memory?" if number == signal.SIGKILL else ""
            )
        return f"exit status {os.WEXITSTATUS(status)}"

    def _close_fds(self) -> None:
        if self._open:
            self._open = False
            self._outbox.clear()
            os.close(self._requests)
            os.close(self._results)


_IDLE: list[_Child] = []  # children waiting for a box to take them
_LOCK = threading.Lock()


def _close_all_but(*keep: int) -> None:
    """Close the descriptors a fork copied, but `keep` and the standard streams: a copy of a
    locked file's descriptor would hold its lock (flock) as long as the child lives."""
    try:
        open_fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        open_fds = list(range(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024))
    for fd in open_fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


class Timebox:
    """Calls run in a child process, killed past their time; the box takes an idle child (or
    forks one) at its first call, forks another after a kill, and hands its child back to the
    idle ones at `close`. Calls are sent ahead (`submit`): the child goes from one to the next
    without waiting for this process, which reads their answers in order (`answer`)."""

    def __init__(self):
        self._child: _Child | None = None
        self._pending: deque[tuple[Any, tuple]] = deque()  # (function, arguments) sent, not answered

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, function, arguments: tuple, seconds: float):
        """`function(*arguments)` in the child, stopped past `seconds` (Stopped); an exception
        the function raises comes back as a RuntimeError naming it."""
        (answer,) = self.map(function, [arguments], seconds)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def map(self, function, calls: list[tuple], seconds: float) -> list:
        """`function(*arguments)` for each of `calls`, in order, as `call` would give it, but
        with a Stopped or RuntimeError in the list in place of raising it."""
        self.submit(function, calls)
        return [self.answer(seconds) for _ in calls]

    def submit(self, function, calls: list[tuple]) -> None:
        """Send `function(*arguments)` for each of `calls` to the child, to run after the calls
        sent before them; their answers come, in order, from `answer`."""
        if calls:
            self._send([(function, arguments) for arguments in calls])

    def answer(self, seconds: float):
        """The answer of the oldest call sent and not answered: its value, or the Stopped (past
        `seconds` from now, the call before it being answered) or RuntimeError `call` would
        raise. After a stopped call, the calls sent after it go to a new child."""
        try:
            ok, value = self._receive(seconds)
        except Stopped as stopped:
            self._pending.popleft()
            rest = list(self._pending)
            self._pending.clear()
            if rest:
                self._send(rest)
            return stopped
        self._pending.popleft()
        return value if ok else RuntimeError(value)

    def _send(self, calls: list[tuple[Any, tuple]]) -> None:
        if self._pending:  # after the calls the child has still to answer
            assert self._child is not None
            try:
                self._child.send(calls)
            except BrokenPipeError:
                pass  # it died: `answer` reads what it answered, then stops, and sends the rest again
            except BaseException:
                self._drop()
                raise
            self._pending.extend(calls)
            return
        if self._child is None or _gone(self._child):
            self._child = _take()
        try:
            try:
                self._child.send(calls)
            except BrokenPipeError:  # it died while idle: once more, in a new child
                self._child.kill()
                self._child = _Child()
                self._child.send(calls)
        except BaseException:
            self._drop()
            raise
        self._pending.extend(calls)

    def _receive(self, seconds: float) -> tuple[bool, object]:
        assert self._child is not None and self._pending
        try:
            return self._child.receive(seconds)
        except Stopped:
            self._drop(keep_pending=True)
            raise
        except BaseException:
            self._drop()  # interrupted mid-exchange: its pipes are out of step
            raise

    def _drop(self, keep_pending: bool = False) -> None:
        child, self._child = self._child, None
        if not keep_pending:
            self._pending.clear()
        if child is not None:
            child.kill()

    def close(self) -> None:
        """Hand the child back to the idle ones; one with calls still to answer is killed."""
        if self._pending:
            self._drop()
            return
        child, self._child = self._child, None
        if child is not None and not _gone(child):
            with _LOCK:
                _IDLE.append(child)


def _take() -> _Child:
    """An idle child still alive, or a new one."""
    while True:
        with _LOCK:
            child = _IDLE.pop() if _IDLE else None
        if child is None:
            return _Child()
        if not _gone(child):
            return child


def _gone(child: _Child) -> bool:
    """Whether a child has exited (reaped if so)."""
    if child._ended is not None:
        return True
    try:
        pid, status = os.waitpid(child.pid, os.WNOHANG)
    except ChildProcessError:  # not this process's child
        child._close_fds()
        child._ended = "gone"
        return True
    if pid:
        child._end(status)
    return bool(pid)


def _forget_children() -> None:
    """In a process just forked: the idle children are the parent's, not its own; close its
    copies of their pipes and leave them to the parent."""
    for child in _IDLE:
        child._close_fds()
        child._ended = "the parent's"
    _IDLE.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_children)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve(requests: int, results: int, parent: int) -> None:
    """The child's loop: run each request's calls, answer each; end when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Linux: killed with the parent (strictly, with the thread that forked it: a box's child dies
    # with the pool thread that forked it, and the next box forks another); elsewhere, and as a
    # second guard, a thread that polls the parent (it waits for the GIL a parser may hold)
    lifeline.die_with_parent(parent)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    while True:
        header = _read_exactly(requests, _HEADER.size)
        if header is None:
            return
        message = _read_exactly(requests, _HEADER.unpack(header)[0])
        if message is None:
            return
        calls, environment = pickle.loads(message)
        if environment is not None:  # the parent's, changed since: limits, PATH (Tesseract)
            os.environ.clear()
            os.environ.update(environment)
        for function, arguments in calls:
            _answer(results, function, arguments)


def _answer(results: int, function, arguments: tuple) -> None:
    """Run one call and write its (ok, value) to `results`."""
    try:
        answer = (True, function(*arguments))
    except Exception as error:
        answer = (False, f"{type(error).__name__}: {error}")
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        data = pickle.dumps((False, f"cannot send the result back ({type(error).__name__}: {error})"))
    _write_all(results, _HEADER.pack(len(data)) + data)


def _watch_parent(parent: int) -> None:
    """A busy child would otherwise outlive a killed parent until its document is done."""
    while os.getppid() == parent:
        time.sleep(_POLL_PARENT)
    os._exit(1)
