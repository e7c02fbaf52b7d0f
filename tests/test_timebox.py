"""The time-boxed child process (pipeline/ingest/timebox.py) with calls sent ahead: answers
come in order, a call past its time is stopped and the calls after it are answered by a new
child, and a child busy with one lot of calls keeps its time while the next lot waits."""

import os
import time

import pytest

from pipeline.ingest import timebox

pytestmark = pytest.mark.skipif(not timebox.available(), reason="no fork on this platform")


def echo(value):
    return value, os.getpid()


def nap(seconds: float, value):
    time.sleep(seconds)
    return value, os.getpid()


def fail(message: str):
    raise ValueError(message)


def test_answers_come_in_order_and_a_raise_is_a_runtime_error():
    with timebox.Timebox() as box:
        box.submit(echo, [(1,), (2,)])
        box.submit(fail, [("bad input",)])
        box.submit(echo, [(3,)])
        answers = [box.answer(5) for _ in range(4)]
    assert [answer[0] for answer in (answers[0], answers[1], answers[3])] == [1, 2, 3]
    assert isinstance(answers[2], RuntimeError) and str(answers[2]) == "ValueError: bad input"
    assert len({answer[1] for answer in (answers[0], answers[1], answers[3])}) == 1  # one child
    assert answers[0][1] != os.getpid()


def test_a_call_past_its_time_is_stopped_and_the_calls_after_it_go_to_a_new_child():
    with timebox.Timebox() as box:
        box.submit(nap, [(0, "a"), (60, "b"), (0, "c")])
        box.submit(echo, [("d",)])
        started = time.monotonic()
        answers = [box.answer(1) for _ in range(4)]
        elapsed = time.monotonic() - started
    assert answers[0][0] == "a"
    assert isinstance(answers[1], timebox.Stopped)
    assert answers[1].reason == ("stopped after 1 s, the limit of time per document (DIRECTIVES_MAX_DOCUMENT_SECONDS)")
    assert [answers[2][0], answers[3][0]] == ["c", "d"]
    assert answers[2][1] == answers[3][1] != answers[0][1]  # the new child answers both
    assert elapsed < 10


def test_a_lot_larger_than_a_pipe_waits_while_the_child_is_busy_and_keeps_the_time():
    """The second lot (megabytes of arguments) cannot enter the pipe while the child sleeps
    in the first: sending it does not block, and the sleeping call is still stopped."""
    big = "x" * (4 << 20)
    with timebox.Timebox() as box:
        box.submit(nap, [(60, "slow")])
        started = time.monotonic()
        box.submit(echo, [(big,), ("after",)])
        sent = time.monotonic() - started
        answers = [box.answer(1) for _ in range(3)]
    assert sent < 0.5
    assert isinstance(answers[0], timebox.Stopped)
    assert answers[1][0] == big and answers[2][0] == "after"


def test_a_box_closed_with_calls_unanswered_leaves_no_child_to_answer_them_later():
    with timebox.Timebox() as box:
        box.submit(nap, [(0.2, "left unanswered")])
    with timebox.Timebox() as box:
        assert box.call(echo, ("fresh",), 5)[0] == "fresh"
