"""The kernel's side of Keras twins: the test's Keras objects, rebuilt here from data.

See :mod:`.keras_twins` for the judge's side and what crosses. Like :mod:`.kernel_rpc`
this runs in the student's interpreter and is not trusted; it makes honest notebooks
answer the judge with the objects the tests described.
"""

from __future__ import annotations

import base64
import os
import tempfile
from typing import Any, Callable

from autograder.grading import wire

_twins: dict[int, Any] = {}  # the judge's id -> the twin
_models: dict[int, Any] = {}  # the judge's id -> a twin with a state: a model, a course callback
_synced: dict[int, str] = {}  # the digest of each model twin's state when both sides agreed
_judge_ids: dict[int, int] = {}  # id(twin, or a layer or variable of one) -> the judge's id


def judge_id(value: Any) -> int | None:
    """The judge's id of ``value`` if it is a twin of one of the judge's objects."""
    return _judge_ids.get(id(value))


def _remember(key: int, twin: Any) -> Any:
    _twins[key] = twin
    _judge_ids[id(twin)] = key
    return twin


def _load_model(archive: str) -> Any:
    import keras

    with tempfile.TemporaryDirectory(prefix="dlcourse-twin-") as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(archive, validate=True))
        return keras.saving.load_model(path, compile=False, safe_mode=True)


def _callback(hooks: dict[str, Callable]) -> Any:
    import keras

    class JudgeCallback(keras.callbacks.Callback):
        """A callback of the test: each hook it overrides is called in the judge."""

        def set_model(self, model: Any) -> None:
            super().set_model(model)
            hooks["set_model"](model)

    callback = JudgeCallback()
    for name, hook in hooks.items():
        if name.startswith("on_"):
            setattr(callback, name, hook)
    return callback


def twin(body: dict, resolve: Callable[[str, Any], Any], call_state: dict) -> Any:
    """The kernel's object for one ``$ktwin`` description.

    Args:
        body: The description (see :func:`.keras_twins.reference`).
        resolve: Resolves references nested in it (the hooks of a callback).
        call_state: The current operation's symbolic inputs (for :func:`submodel`).
    """
    from keras import saving

    from autograder.grading.keras_twins import _layers, set_model_state, state_digest

    kind = body.get("kind")
    if kind == "symbolic":
        import keras

        shape = wire.decode(body["shape"])
        tensor = keras.Input(batch_shape=tuple(shape), dtype=body.get("dtype"))
        call_state.setdefault("symbolic", []).append((body["id"], tensor))
        return tensor
    if kind == "callback":
        return _callback({name: wire.decode(ref, resolve) for name, ref in body["hooks"].items()})
    key = body["id"]
    if kind == "model":
        model = _twins.get(key)
        if model is None:
            model = _models[key] = _remember(key, _load_model(body["archive"]))
            parts = [*_layers(model), *model.weights]
            for part, judge_key in zip(parts, [*body["layers"], *body["weights"]]):
                _judge_ids[id(part)] = judge_key
        set_model_state(model, body["state"])
        _synced[key] = state_digest(model)
        return model
    if kind == "config":
        found = _twins.get(key)
        if found is None:
            if "state" in body:
                import autograder.callbacks  # noqa: F401 - registers the course's callbacks
            found = _remember(key, saving.deserialize_keras_object(wire.decode(body["config"]),
                                                                   safe_mode=True))
        if "state" in body:  # a course callback (autograder.callbacks): its state is kept in step
            set_model_state(found, body["state"])
            _models[key] = found
            _synced[key] = state_digest(found)
        return found
    raise wire.BadMessage(f"unknown twin kind {str(kind)[:40]!r}")


def apply_states(states: Any) -> None:
    """Puts the twins in the states the judge's models changed to."""
    from autograder.grading.keras_twins import set_model_state, state_digest

    for key, state in states if isinstance(states, list) else []:
        if key in _models:
            set_model_state(_models[key], state)
            _synced[key] = state_digest(_models[key])


def changed_states() -> list:
    """The states of the twins the student's code changed since the judge last had them."""
    from autograder.grading.keras_twins import states_changed

    return states_changed(_models, _synced)


def is_symbolic(value: Any) -> bool:
    """Whether ``value`` is a symbolic tensor, or a list or tuple of them."""
    import sys

    keras = sys.modules.get("keras")
    if keras is None:
        return False
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(item, keras.KerasTensor) for item in value)
    return isinstance(value, keras.KerasTensor)


_submodels = [0]


def submodel(outputs: Any, call_state: dict) -> dict:
    """The layers between the call's symbolic inputs and ``outputs``, as a ``.keras`` archive."""
    import keras

    inputs = call_state.get("symbolic", [])
    if not inputs:
        raise TypeError("the function returned a symbolic tensor that does not come from "
                        "the test's keras.Input")
    _submodels[0] += 1
    model = keras.Model([tensor for _, tensor in inputs] if len(inputs) > 1 else inputs[0][1],
                        list(outputs) if isinstance(outputs, (list, tuple)) else outputs,
                        name=f"student_layers_{_submodels[0]}")
    with tempfile.TemporaryDirectory(prefix="dlcourse-sub-") as folder:
        path = os.path.join(folder, "submodel.keras")
        model.save(path)
        with open(path, "rb") as handle:
            archive = base64.b64encode(handle.read()).decode("ascii")
    return {"$ksub": {"archive": archive, "inputs": [key for key, _ in inputs],
                      "tuple": isinstance(outputs, tuple)}}



def has_models() -> bool:
    """Whether the judge has given the kernel any model (so states may need sending)."""
    return bool(_models)


def reference_back(value: Any) -> dict | None:
    """``{"$kback": id}`` for a twin (or a layer or variable of one); None for anything else."""
    key = _judge_ids.get(id(value))
    return None if key is None else {"$kback": key}
