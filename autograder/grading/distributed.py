"""Grading on a Dask cluster: ``dlcourse grade --scheduler tcp://host:8786``.

The batch (:func:`autograder.grading.batch.grade_batch`) submits one task per submission
to an executor; this module gives it a Dask ``distributed`` executor instead of the local
process pool, so the same tasks run on the cluster's workers (a laptop, Kubernetes,
Slurm via dask-jobqueue...). Grades are identical: each task grades one notebook in its
own kernel and writes its own record, whatever machine runs it.

Shared-filesystem assumption: every Dask worker must

* import the same ``autograder`` package (and Python environment, TensorFlow included),
* see the course repository (``solutions/``, ``exercises/``) and the submissions folder at
  the same paths as the machine that runs ``dlcourse grade``, and
* be able to write the results folder (records and feedback are written by the workers).

In practice: an NFS or cluster file system mounted at the same place everywhere, or one
container image plus shared volumes. Each worker should run one task per core it may use
(``dask worker --nthreads N``); a task is mostly waiting on its kernel process.
"""

from __future__ import annotations

import concurrent.futures as cf
from typing import Callable


def dask_executor_factory(address: str) -> Callable[[int], cf.Executor]:
    """An executor factory for :func:`~autograder.grading.batch.grade_batch` on Dask.

    Args:
        address: The scheduler, e.g. ``tcp://10.0.0.5:8786``.

    Returns:
        A callable that takes the number of workers wanted (ignored: the cluster's
        threads decide) and returns a ``concurrent.futures.Executor`` whose tasks run on
        the cluster. Closing the executor closes the client, not the cluster.
    """
    def factory(workers: int) -> cf.Executor:
        from distributed import Client

        return _ClientExecutor(Client(address, set_as_default=False))

    return factory


class _ClientExecutor(cf.Executor):
    """``Client.get_executor()`` that also closes its client when it is shut down."""

    def __init__(self, client) -> None:
        self._client = client
        # pure=False: the same submission graded twice (a forced regrade) is run again.
        self._executor = client.get_executor(pure=False)

    def submit(self, fn, /, *args, **kwargs):  # noqa: D102 - concurrent.futures API
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:  # noqa: D102
        try:
            self._executor.shutdown(wait=wait)
        finally:
            self._client.close()
