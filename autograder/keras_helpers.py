"""Helpers of the Keras modules' tests that run next to the student's classes.

A model that holds a layer class of the student's can only be saved and loaded back where
that class exists, in the student's own interpreter (see :mod:`autograder.in_kernel`);
what comes back to the test is data: the outputs before and after, and why loading failed.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from autograder.in_kernel import runs_in_kernel


@runs_in_kernel
def outputs_before_and_after_saving(layer_class: Any, layer_args: tuple, input_shape: tuple,
                                    x: Any) -> tuple[Any, Any, str]:
    """A model holding ``layer_class(*layer_args)``, applied to ``x`` before saving it in the
    ``.keras`` format and after loading it back (with the class as a custom object).

    Returns:
        ``(before, after, error)``: NumPy outputs; ``after`` is None and ``error`` says why
        when the model could not be saved or loaded back.
    """
    import keras

    inputs = keras.Input(shape=tuple(input_shape))
    model = keras.Model(inputs, layer_class(*layer_args)(inputs))
    before = keras.ops.convert_to_numpy(model(x))
    with tempfile.TemporaryDirectory(prefix="dlcourse-saved-") as folder:
        path = os.path.join(folder, "layer.keras")
        try:
            model.save(path)
            loaded = keras.saving.load_model(
                path, custom_objects={layer_class.__name__: layer_class})
        except Exception as error:  # noqa: BLE001 - the test says why
            return before, None, f"{type(error).__name__}: {str(error)[:300]}"
    return before, keras.ops.convert_to_numpy(loaded(x)), ""


@runs_in_kernel
def call_with_new_path(function: Any, value: Any, filename: str) -> tuple[Any, dict]:
    """Calls ``function(value, path)`` with ``path`` a new file in a fresh folder, and looks
    at what was written there (in the student's interpreter, where the file is).

    Args:
        function: The student's function (``save_and_reload``).
        value: Its first argument (a model).
        filename: The file's name in the fresh folder (``small.keras``).

    Returns:
        ``(result, written)``: what the function returned, and ``written`` with the ``path``,
        whether a regular file ``exists`` there, whether it ``is_zip`` and the ``names`` of
        the members of the zip archive.
    """
    import zipfile

    path = os.path.join(tempfile.mkdtemp(prefix="dlcourse-saved-"), filename)
    result = function(value, path)
    exists = os.path.isfile(path) and not os.path.islink(path)
    is_zip = exists and zipfile.is_zipfile(path)
    names = zipfile.ZipFile(path).namelist() if is_zip else []
    return result, {"path": path, "exists": exists, "is_zip": is_zip, "names": names}
