"""The engine: a case's space, designs of futures × strategies, the model contract, the runner and
the run folder it writes.

It knows nothing about Kosovo or about the news: :mod:`~forewarn.engine.space` (the case file),
:mod:`~forewarn.engine.design` (sampling), :mod:`~forewarn.engine.model` (the model contract),
:mod:`~forewarn.engine.runner` (chunks, executors, resume) and :mod:`~forewarn.engine.results`
(Parquet + manifest, DuckDB). See ``docs/engine.md``.
"""

__all__ = ["SAMPLING_METHODS"]

#: How futures can be sampled (``method=`` in the API, ``--method`` on the command line). Kept
#: here, where importing costs nothing, so that the command line can list them in its help.
SAMPLING_METHODS = ("lhs", "sobol", "mc", "factorial", "saltelli", "morris")
