"""Child processes that end with the process that started them, even when it is killed with
SIGKILL and runs no exit handler: on Linux the kernel's parent-death signal (prctl
PR_SET_PDEATHSIG), set in the child itself. Used for the fork server and its workers
(`workers.py`) and Prefect's temporary server (`prefect_env.py`); the children that parse
documents (`timebox.py`) watch their parent instead.

`python -m pipeline.lifeline PARENT_PID -- COMMAND...` sets the signal, then runs COMMAND in
its place (exec): a program that is not ours ends with PARENT_PID too."""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None, sig: int = signal.SIGKILL) -> bool:
    """Have the kernel send `sig` to this process when its parent ends (strictly: the thread that
    forked it); exit at once if the parent, `parent` when given, is already gone. False where the
    platform has no such signal."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent ended before the signal was set
    return True


def children_die_with_this_process(sig: int = signal.SIGKILL) -> None:
    """Every process this one forks from now on ends when this one does (not those its children
    fork: they inherit the hook, which checks who forked)."""
    me = os.getpid()
    os.register_at_fork(after_in_child=lambda: os.getppid() == me and die_with_parent(me, sig))


def command(arguments: list[str], sig: int = signal.SIGKILL) -> list[str]:
    """`arguments` run through this module, so that the program ends with this process."""
    if not sys.platform.startswith("linux"):
        return list(arguments)
    return [sys.executable, "-m", "pipeline.lifeline", str(os.getpid()), str(int(sig)), "--", *arguments]


def main(argv: list[str]) -> None:
    parent, sig, separator, *arguments = argv
    if separator != "--" or not arguments:
        raise SystemExit("usage: python -m pipeline.lifeline PARENT_PID SIGNAL -- COMMAND...")
    die_with_parent(int(parent), int(sig))
    os.execvp(arguments[0], arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
