"""Dask as an executor: run chunks (or search generations) on a ``distributed`` cluster.

The runner has one seam for parallelism, a :class:`concurrent.futures.Executor`.
:class:`DaskExecutor` is that seam on a Dask cluster: it connects a ``distributed.Client`` to a
scheduler's address and submits each chunk as a task. Results are bit-identical to a local run
(each chunk is the same pure function of the case and its rows, whoever computes it) and a
stopped run resumes as any other. Workers write the chunk files themselves, so they must see the
run folder at the same path (one machine, or a shared file system); only the process that
started the run writes the manifest.

Needs the ``dask`` extra (``dask`` and ``distributed``).

Examples
--------
>>> from forewarn.engine.cluster import DaskExecutor               # doctest: +SKIP
>>> with DaskExecutor("tcp://127.0.0.1:8786") as executor:          # doctest: +SKIP
...     forewarn.run(case, n=100_000, out="runs/big", executor=executor)
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Any

from ..errors import InputError

__all__ = ["DaskExecutor"]


class DaskExecutor(Executor):
    """A :class:`concurrent.futures.Executor` on the Dask cluster whose scheduler is at ``address``.

    Parameters
    ----------
    address : str
        The scheduler's address (``tcp://host:port``), or a ``distributed`` cluster object
        (``LocalCluster``, a ``dask_jobqueue`` cluster) or its ``scheduler_address``.
    timeout : float
        Seconds to wait for the scheduler before giving up.

    Attributes
    ----------
    client : distributed.Client
    _max_workers : int
        The cluster's worker threads when it connected; the runner keeps one more chunk than
        that in flight.
    """

    def __init__(self, address: Any, *, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - the dask extra is missing
            raise InputError("--scheduler needs the dask extra: pip install 'forewarn[dask]'",
                             field="--scheduler") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - unreachable, refused, malformed: all a bad --scheduler
            raise InputError(f"cannot reach a Dask scheduler at {address!r}: {exc}", field="--scheduler") from None
        self._inner = self.client.get_executor(pure=False)
        threads = sum(self.client.nthreads().values())
        self._max_workers = max(1, int(threads))

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` as one task; returns a :class:`concurrent.futures.Future`."""
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop submitting and disconnect (the cluster itself keeps running)."""
        try:
            self._inner.shutdown(wait=wait)
        finally:
            self.client.close()

    def __repr__(self) -> str:
        return f"DaskExecutor({self.client.scheduler.address!r}, threads={self._max_workers})"
