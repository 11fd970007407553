"""Worker processes that do not outlive the process that started them.

A run with ``workers > 1`` starts a pool of worker processes. If the parent is killed (SIGKILL,
the out-of-memory killer, a closed terminal), nothing tells the pool to stop, and a worker
would finish its chunk, wait for the next one, and linger. :func:`exit_with_parent`, the pool's
initializer, ties each worker's life to its parent's:

* on Linux the kernel sends the worker SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``);
* elsewhere a daemon thread checks ``os.getppid()`` every second and exits when it changes.

A worker writes chunks atomically and only the parent records them, so stopping it at any point
loses nothing a resumed run needs.
"""

from __future__ import annotations

import os
import sys
import threading

__all__ = ["exit_with_parent"]

_PR_SET_PDEATHSIG = 1
#: Seconds between two checks of the fallback thread.
POLL_SECONDS = 1.0


def exit_with_parent(parent_pid: int) -> None:
    """Make this process exit when the process ``parent_pid`` (its parent) dies.

    Parameters
    ----------
    parent_pid : int
        The parent's process id, as the parent saw it (``os.getpid()`` there).
    """
    if not _kernel_watch():
        _thread_watch(parent_pid)
    # The parent may have died before the watch was set: the kernel would then never signal.
    if os.getppid() != parent_pid:
        os._exit(1)


def _kernel_watch() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc with prctl (e.g. a static or exotic build)
        return False


def _thread_watch(parent_pid: int) -> None:
    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(POLL_SECONDS):
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="forewarn-parent-watch", daemon=True).start()
