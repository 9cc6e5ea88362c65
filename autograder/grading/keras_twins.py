"""Keras objects of a test, sent to the student's kernel as twins (the judge's side).

A test often builds Keras objects of its own and gives them to the student's function: a
model for ``train_step`` to update, an optimizer, a loss, a callback that stops training
in time, a symbolic ``keras.Input`` for ``residual_block`` to build on. None of them is
data, and none may be pickled. Each crosses in a form Keras itself defines
(:func:`reference`), as ``{"$ktwin": {...}}``:

* a model: its ``.keras`` archive (made once per model) and, on every call, its weights in
  order and its layers' ``trainable`` flags. The kernel loads the archive once
  (``safe_mode``) and keeps the twin by the judge's id, so a model given to two calls is one
  model there too. After the call the kernel sends the twin's weights and flags back and
  they are written into the test's model (:func:`write_back`). Both sides keep a digest
  of the state they last agreed on, and every operation carries the states that changed
  since, both ways: a twin reached through another object (a frozen base inside the
  student's transfer model) stays in step too. The model's layers and variables are
  paired with the twin's, so the student's code can give them back by identity;
* an optimizer, loss, metric, regularizer or initializer: its config
  (``keras.saving.serialize_keras_object``); the twin is kept by id, so an optimizer keeps
  its state (Adam's moments) across calls;
* a callback: the hooks its class overrides, called back in the judge (``self.model`` is
  then the kernel's model, seen as a handle). A course callback (:mod:`autograder.callbacks`)
  crosses as its config instead and runs in the kernel; the attributes its class names in
  ``TWIN_STATE`` are its state, kept in step like a model's;
* a symbolic tensor (``keras.Input``): its shape and dtype. The kernel makes an ``Input``
  like it; when the student's function returns a symbolic tensor, the kernel wraps the
  layers between them in a model and sends its archive back (``{"$ksub": ...}``), which the
  judge loads with ``safe_mode`` and applies to its own tensors (:func:`load_submodel`).

What the student's kernel sends back is checked like everything else: weights by the
number and shapes the judge already has, archives loaded with ``safe_mode`` only (no
``Lambda`` layer, no class the judge has not registered).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import tempfile
from typing import Any, Callable

import numpy as np

from autograder.grading import wire

HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end")
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024

_sent: dict[int, Any] = {}  # the test's objects that have twins, by id (kept alive: ids stay unique)
_models: dict[int, Any] = {}  # the test's models among them (and course callbacks: stateful)
_synced: dict[int, str] = {}  # the digest of each one's state when both sides last agreed
_archives: dict[int, str] = {}  # a model's .keras archive, made once


def forget() -> None:
    """Drops the objects of the last notebook (a new notebook has a new kernel)."""
    for kept in (_sent, _models, _synced, _archives):
        kept.clear()


def _keras() -> Any:
    return sys.modules.get("keras")


def is_keras_object(value: Any) -> bool:
    """Whether ``value`` is a Keras object that can have a twin in the kernel."""
    keras = _keras()
    if keras is None or not (type(value).__module__ or "").startswith(
            ("keras", "__main__", "autograder.callbacks")):
        return False
    return isinstance(value, (keras.Model, keras.KerasTensor, keras.callbacks.Callback,
                              keras.optimizers.Optimizer, keras.losses.Loss,
                              keras.metrics.Metric, keras.regularizers.Regularizer,
                              keras.initializers.Initializer))


def _archive(model: Any) -> str:
    cached = _archives.get(id(model))
    if cached is None:
        with tempfile.TemporaryDirectory(prefix="dlcourse-twin-") as folder:
            path = os.path.join(folder, "model.keras")
            model.save(path)
            with open(path, "rb") as handle:
                cached = _archives[id(model)] = base64.b64encode(handle.read()).decode("ascii")
    return cached


def model_state(model: Any) -> dict:
    """A model's weights (in ``model.weights`` order) and its layers' trainable flags, as data.

    Order, not variable paths: a model loaded from an archive has the same layers in the
    same order, but its variables' paths depend on the name scopes it was loaded under.
    A course callback's state is its ``TWIN_STATE`` attributes.
    """
    if _attribute_state(model):
        return {"attributes": {name: getattr(model, name) for name in type(model).TWIN_STATE}}
    return {"weights": [wire.encode(np.asarray(v.numpy())) for v in model.weights],
            "trainable": [[layer.name, bool(layer.trainable)] for layer in _layers(model)]}


def _attribute_state(value: Any) -> bool:
    """Whether ``value`` is a course callback, whose state is a few plain attributes."""
    return isinstance(getattr(type(value), "TWIN_STATE", None), tuple)


def _layers(model: Any) -> list:
    return list(model._flatten_layers(include_self=True, recursive=True))  # noqa: SLF001


def state_digest(model: Any) -> str:
    """A digest of a model's weights and trainable flags (the same on both sides)."""
    digest = hashlib.blake2b(digest_size=16)
    if _attribute_state(model):
        digest.update(repr(sorted(model_state(model)["attributes"].items())).encode())
        return digest.hexdigest()
    for variable in model.weights:
        value = np.ascontiguousarray(np.asarray(variable.numpy()))
        digest.update(f"{value.dtype.str}{value.shape}".encode())
        digest.update(value.tobytes())
    digest.update(bytes(bool(layer.trainable) for layer in _layers(model)))
    return digest.hexdigest()


def set_model_state(model: Any, state: Any) -> None:
    """Puts a model in ``state`` (see :func:`model_state`), checking every part of it.

    Flags come first: setting a parent's ``trainable`` also sets its children's, and the
    pre-order of the list leaves each layer as its own flag says.
    """
    if not isinstance(state, dict):
        raise wire.BadMessage("a model's state must be an object")
    if _attribute_state(model):
        attributes = state.get("attributes")
        names = type(model).TWIN_STATE
        if not (isinstance(attributes, dict) and set(attributes) == set(names)
                and all(type(v) in (bool, int, float, str) for v in attributes.values())):
            raise wire.BadMessage(f"a {type(model).__name__}'s state came back malformed")
        for name in names:
            setattr(model, name, attributes[name])
        return
    layers = _layers(model)
    flags = state.get("trainable", [])
    if isinstance(flags, list) and len(flags) == len(layers):
        for layer, entry in zip(layers, flags):
            if (isinstance(entry, list) and len(entry) == 2 and entry[0] == layer.name
                    and type(entry[1]) is bool):
                layer.trainable = entry[1]
    weights = state.get("weights")
    if not (isinstance(weights, list) and len(weights) == len(model.weights)):
        raise wire.BadMessage("a model's weights came back in a different number")
    for variable, data in zip(model.weights, weights):
        value = wire.decode(data)
        if not (type(value) is np.ndarray and tuple(value.shape) == tuple(variable.shape)
                and value.dtype.kind in "biuf"):
            raise wire.BadMessage(f"a weight of shape {tuple(variable.shape)} came back as "
                                  f"{type(value).__name__} {getattr(value, 'shape', '')}")
        variable.assign(value.astype(variable.dtype))


def reference(value: Any, callback_reference: Callable[[Callable], dict],
              symbolic: dict[int, Any]) -> dict:
    """The twin description of one of the test's Keras objects.

    Args:
        value: The object (see :func:`is_keras_object`).
        callback_reference: Makes a callback reference for one of the test's functions.
        symbolic: Where the call's symbolic tensors are kept by id, for :func:`load_submodel`.

    Returns:
        ``{"$ktwin": description}``.
    """
    keras = _keras()
    key = id(value)
    if isinstance(value, keras.KerasTensor):
        symbolic[key] = value
        return {"$ktwin": {"kind": "symbolic", "id": key, "shape": wire.encode(tuple(value.shape)),
                           "dtype": str(value.dtype)}}
    if _attribute_state(value):  # a course callback: runs in the kernel, made from its config
        _sent[key] = _models[key] = value
        _synced[key] = state_digest(value)
        return {"$ktwin": {"kind": "config", "id": key, "state": model_state(value),
                           "config": wire.encode(keras.saving.serialize_keras_object(value))}}
    if isinstance(value, keras.callbacks.Callback):
        base = keras.callbacks.Callback
        hooks = {name: callback_reference(getattr(value, name)) for name in HOOKS
                 if getattr(type(value), name, None) is not getattr(base, name)}
        hooks["set_model"] = callback_reference(value.set_model)
        return {"$ktwin": {"kind": "callback", "hooks": hooks}}
    _sent[key] = value
    if isinstance(value, keras.Model):
        _models[key] = value
        for part in [*_layers(value), *value.weights]:
            _sent[id(part)] = part
        _synced[key] = state_digest(value)
        return {"$ktwin": {"kind": "model", "id": key, "archive": _archive(value),
                           "state": model_state(value),
                           "layers": [id(layer) for layer in _layers(value)],
                           "weights": [id(v) for v in value.weights]}}
    config = keras.saving.serialize_keras_object(value)
    return {"$ktwin": {"kind": "config", "id": key, "config": wire.encode(config)}}


def original(key: Any) -> Any:
    """The test's object whose twin the student's code returned."""
    if type(key) is not int or key not in _sent:
        raise wire.BadMessage("the kernel named a twin the judge never sent")
    return _sent[key]


def changed_states() -> list:
    """The states of the test's models changed since the kernel's twins last had them.

    Sent with every operation, so that a twin the student's code reaches through another
    object (the base inside a transfer model) is what the test left it.
    """
    return states_changed(_models, _synced)


def states_changed(models: dict[int, Any], synced: dict[int, str]) -> list:
    """``[id, state]`` of each model whose digest differs from ``synced`` (then updated).

    Both sides use it: the judge for the test's models, the kernel for their twins.
    """
    changed = []
    for key, model in models.items():
        digest = state_digest(model)
        if digest != synced.get(key):
            changed.append([key, model_state(model)])
            synced[key] = digest
    return changed


def write_back(states: Any) -> None:
    """Makes the test's models hold what the student's code left in their twins."""
    if not isinstance(states, list):
        return
    for entry in states[:1000]:
        if isinstance(entry, list) and len(entry) == 2 and entry[0] in _models:
            model = _models[entry[0]]
            set_model_state(model, entry[1])
            _synced[entry[0]] = state_digest(model)


def load_submodel(body: Any, symbolic: dict[int, Any]) -> Any:
    """The student's layers between the test's symbolic inputs and what their code returned.

    The kernel sent a ``.keras`` archive of those layers as a model; it is loaded with
    ``safe_mode`` and applied to the test's own tensors, so the result is a symbolic tensor
    of the judge's graph (its layers hold the student's weights).
    """
    keras = _keras()
    if not (isinstance(body, dict) and isinstance(body.get("archive"), str)
            and isinstance(body.get("inputs"), list)):
        raise wire.BadMessage("a malformed submodel")
    inputs = [symbolic.get(key) if type(key) is int else None for key in body["inputs"]]
    if not inputs or any(tensor is None for tensor in inputs):
        raise wire.BadMessage("a submodel on inputs the judge never sent")
    data = base64.b64decode(body["archive"], validate=True)
    if len(data) > MAX_ARCHIVE_BYTES:
        raise wire.BadMessage("a submodel archive over the size limit")
    with tempfile.TemporaryDirectory(prefix="dlcourse-sub-") as folder:
        path = os.path.join(folder, "submodel.keras")
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # noqa: BLE001 - say why the student's layers can't be graded
            raise TypeError("the layers your function built could not be sent to the grader "
                            f"as a Keras model ({type(error).__name__}: {str(error)[:300]}); "
                            "use Keras layers (no Lambda layers)") from None
    outputs = model(inputs[0] if len(inputs) == 1 else inputs)
    return tuple(outputs) if isinstance(outputs, list) and body.get("tuple") else outputs
