"""The kernel's side of the judge's protocol: call the student's code, answer with data.

While the judge runs a test cell, the kernel runs one request, :func:`serve`, and the two
talk over Jupyter's stdin channel: each message from the kernel is the prompt of an
``input()`` call, each message from the judge is the reply. The judge sends operations
(look up names, call, get an attribute, ...), the kernel answers each with a value
encoded by :mod:`.wire`; objects that are not data stay here and cross as handles.
A function of the judge given as an argument (a test's ``lambda``) becomes a stub that
asks the judge to call it, and answers the judge's nested operations until it returns.

Nothing here is trusted: this code runs in the student's interpreter, which the student
may have changed in any way. It exists so that honest notebooks answer the judge; the
judge checks every answer it gets (:mod:`.remote`).
"""

from __future__ import annotations

import builtins
import sys
import traceback
import warnings
from typing import Any

import numpy as np

from autograder.grading import kernel_keras, wire

_objects: dict[int, Any] = {}
_twins: dict[int, np.random.Generator] = {}  # the judge's random generators, by its id
# Seeding functions a test may call; the judge mirrors them here (see judge._mirror_seeds).
SEEDERS = {"numpy.random.seed": ("numpy.random", "seed"),
            "random.seed": ("random", "seed"),
            "keras.utils.set_random_seed": ("keras.utils", "set_random_seed"),
            "tensorflow.random.set_seed": ("tensorflow.random", "set_seed")}


def _type_names(value: Any) -> list[str]:
    return [f"{k.__module__}.{k.__qualname__}" for k in type(value).__mro__][:12]


def _keep(value: Any) -> dict:
    """A handle for an object that stays in the kernel."""
    key = id(value)
    _objects[key] = value
    return {"$handle": [key, _type_names(value)]}


def _out(value: Any) -> Any:
    return wire.encode(value, on_other=_keep, first=kernel_keras.reference_back)


class _Session:
    """One test cell's conversation: handles to resolve, callbacks to relay."""

    def __init__(self, ask: Any) -> None:
        self.ask = ask
        self.call_state: dict = {}  # the current operation's Keras twins

    def exchange(self, message: dict) -> dict:
        """Sends a message to the judge (with the state of its generators); returns its reply."""
        if _twins:
            message = {**message, "rngs": [[key, wire.encode(twin.bit_generator.state)]
                                            for key, twin in _twins.items()]}
        return wire.loads(self.ask(wire.dumps(message)))

    def resolve(self, tag: str, body: Any) -> Any:
        if tag == "$rng":
            key, state = body
            twin = _twins.get(key)
            if twin is None or twin.bit_generator.state != state:
                twin = _twins[key] = wire.generator_from_state(state)
            return twin
        if tag == "$handle":
            key = body[0] if isinstance(body, list) and body else body
            if key not in _objects:
                raise wire.BadMessage("the kernel no longer holds that object (was it restarted?)")
            return _objects[key]
        if tag == "$ktwin" and isinstance(body, dict):
            return kernel_keras.twin(body, self.resolve, self.call_state)
        if tag != "$callback":
            raise wire.BadMessage(f"the judge can't send a {tag}")
        return self._callback(body)

    def _callback(self, key: Any):
        session = self

        def judge_function(*args: Any, **kwargs: Any) -> Any:
            reply = session.exchange({"callback": key, "args": _out(list(args)),
                                      "kwargs": _out(kwargs)})
            return session.until_returned(reply)

        return judge_function

    def until_returned(self, reply: dict) -> Any:
        """Answers the judge's nested operations until it returns from a callback."""
        while True:
            if "return" in reply:
                return wire.decode(reply["return"], self.resolve)
            if "raise" in reply:
                raised = reply["raise"]
                kind = getattr(builtins, str(raised.get("ename")), None)
                if not (isinstance(kind, type) and issubclass(kind, Exception)):
                    kind = RuntimeError
                raise kind(str(raised.get("evalue", "")))
            reply = self.exchange(self.perform(reply))

    def perform(self, request: dict) -> dict:
        """Carries out one operation; its value, or the exception it raised, as data."""
        outer, self.call_state = self.call_state, {}
        try:
            kernel_keras.apply_states(request.get("twins"))
            answer = self._perform(request)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - the student's code raised: report it
            answer = {"raise": _describe(error)}
        finally:
            self.call_state = outer
        twins = kernel_keras.changed_states() if kernel_keras.has_models() else []
        return {**answer, "twins": twins} if twins else answer

    def _perform(self, request: dict) -> dict:
        op = request.get("op")
        shell_ns = sys.modules["__main__"].__dict__
        try:
            from IPython import get_ipython

            shell_ns = get_ipython().user_ns
        except Exception:  # noqa: BLE001
            pass
        if op == "lookup":
            found = {name: _out(shell_ns[name]) for name in request["names"] if name in shell_ns}
            return {"value": found}
        if op == "helper":
            from autograder.in_kernel import helper

            return self._call(helper(request["name"]), request)
        if op == "seed":
            module, name = SEEDERS[request["function"]]
            getattr(__import__(module, fromlist=[name]), name)(*request["args"])
            return {"value": None}
        target = wire.decode(request["target"], self.resolve)
        if op == "call":
            return self._call(target, request)
        if op == "getattr":
            return {"value": _out(getattr(target, request["name"]))}
        if op == "setattr":
            setattr(target, request["name"], wire.decode(request["value"], self.resolve))
            return {"value": None}
        if op == "getitem":
            return {"value": _out(target[wire.decode(request["key"], self.resolve)])}
        if op == "len":
            return {"value": len(target)}
        if op == "list":
            return {"value": _out(list(target))}
        if op == "array":
            return {"value": wire.encode(np.asarray(target))}
        if op == "isinstance":
            other = wire.decode(request["of"], self.resolve)
            return {"value": bool(isinstance(other, target))}
        if op in ("int", "float", "bool", "str", "repr", "index"):
            convert = {"int": int, "float": float, "bool": bool, "str": str, "repr": repr,
                       "index": lambda v: v.__index__()}[op]
            return {"value": _out(convert(target))}
        if op == "format":
            return {"value": format(target, request["spec"])}
        raise ValueError(f"unknown operation {op!r}")

    def _call(self, function: Any, request: dict) -> dict:
        args = wire.decode(request["args"], self.resolve)
        kwargs = wire.decode(request["kwargs"], self.resolve)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with np.errstate(**request.get("errstate", {})):
                result = function(*args, **kwargs)
        changed = {}
        for where, (before, now) in enumerate(zip(request["args"], args)):
            after = _out(now)
            if after != before:
                changed[str(where)] = after
        for name, now in kwargs.items():
            after = _out(now)
            if after != request["kwargs"].get(name):
                changed[name] = after
        value = (kernel_keras.submodel(result, self.call_state)
                 if kernel_keras.is_symbolic(result) else _out(result))
        return {"value": value, "changed": changed,
                "warnings": [[type(w.message).__name__, str(w.message)[:2000],
                              str(w.filename), int(w.lineno or 0)] for w in caught[:50]]}


def _describe(error: BaseException) -> dict:
    """An exception as data: its name, value and the student's frames."""
    frames = traceback.extract_tb(error.__traceback__)
    here = __file__
    shown = traceback.format_list([f for f in frames if f.filename != here])
    return {"ename": type(error).__name__, "evalue": str(error)[:4000],
            "builtins": [k.__name__ for k in type(error).__mro__ if k.__module__ == "builtins"],
            "traceback": "".join(shown)[-4000:]}


def serve() -> None:
    """Answers the judge until it says the test cell is done (the one request per cell)."""
    session = _Session(builtins.input)
    reply = session.exchange({"ready": True})
    while reply.get("op") != "done":
        reply = session.exchange(session.perform(reply))
