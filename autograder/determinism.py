"""Reproducibility switches: one seed for Python, NumPy and TensorFlow, and no TF32.

A submission must get the same grade on a laptop CPU and on a GPU. Two things differ by
default: random initialisation (fixed here by seeding every generator) and TensorFloat-32,
which Ampere and later GPUs use for float32 matrix products and which loses about three
decimal digits. Grading turns TF32 off and asks TensorFlow for deterministic kernels.

The grader calls :func:`configure_grading_process` in every kernel before the student's
first cell. TensorFlow is configured when it is first imported, so notebooks that never
import it do not pay for the import.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import random
import sys
from typing import Any

import numpy as np

# Read by TensorFlow and by NVIDIA's libraries when they load; set before any import.
GRADING_ENVIRONMENT = {
    "PYTHONHASHSEED": "0",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_CUDNN_DETERMINISTIC": "1",
    "NVIDIA_TF32_OVERRIDE": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "MPLBACKEND": "Agg",
}


THREADS_VARIABLE = "DLCOURSE_KERNEL_THREADS"


def thread_environment(threads: int | None) -> dict[str, str]:
    """Environment variables that hold a kernel's thread pools to ``threads`` threads.

    TensorFlow (intra- and inter-op pools), OpenMP and the BLAS libraries each start a pool
    as large as the machine; with several kernels at once they fight for the same cores.
    ``grade_batch`` gives each worker its share of the cores.

    Args:
        threads: Threads per pool; None or 0 for the libraries' defaults.

    Returns:
        The variables to add to a kernel's (and the judge's) environment.
    """
    if not threads:
        return {}
    value = str(threads)
    return {"TF_NUM_INTRAOP_THREADS": value, "TF_NUM_INTEROP_THREADS": value,
            "OMP_NUM_THREADS": value, "OPENBLAS_NUM_THREADS": value, "MKL_NUM_THREADS": value}


def configure_tensorflow(seed: int | None = None, *, keras_seed: bool = True) -> None:
    """Turns TF32 off, asks for deterministic ops and optionally seeds TensorFlow.

    Args:
        seed: The seed; ``None`` leaves the seeds alone.
        keras_seed: Seed through ``keras.utils.set_random_seed`` (Python, NumPy,
            TensorFlow and Keras' own generator). False seeds TensorFlow alone, for use
            while TensorFlow is still being imported (Keras may be half-initialised).
    """
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
    tf.config.experimental.enable_op_determinism()
    if seed is None:
        return
    if keras_seed:
        import keras

        keras.utils.set_random_seed(seed)
    else:
        tf.random.set_seed(seed)


def seed_everything(seed: int = 0) -> None:
    """Seeds Python, NumPy and (if it is installed) TensorFlow and Keras; turns TF32 off.

    Call it at the top of a notebook, or inside a test before anything random happens.

    Args:
        seed: The seed for every generator.
    """
    random.seed(seed)
    np.random.seed(seed)
    try:
        configure_tensorflow(seed)
    except ImportError:
        pass


class _ConfigureOnImport(importlib.abc.MetaPathFinder):
    """Runs :func:`configure_tensorflow` right after ``import tensorflow`` finishes."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)  # find the real spec, once
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader, seed = spec.loader, self.seed

        class _Loader(importlib.abc.Loader):
            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: Any) -> None:
                loader.exec_module(module)
                configure_tensorflow(seed, keras_seed=False)

        spec.loader = _Loader()
        return spec


def configure_grading_process(seed: int = 0) -> None:
    """Prepares a grading kernel: environment, seeds, and TensorFlow once it is imported.

    Args:
        seed: The seed for Python, NumPy and TensorFlow.
    """
    os.environ.update(GRADING_ENVIRONMENT)
    random.seed(seed)
    np.random.seed(seed)
    if "tensorflow" in sys.modules:
        configure_tensorflow(seed)
    elif not any(isinstance(f, _ConfigureOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _ConfigureOnImport(seed))
