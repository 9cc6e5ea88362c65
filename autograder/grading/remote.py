"""The judge's view of the student's kernel: a channel, and proxies for what lives there.

In the judge a student's function is a :class:`Remote`: calling it sends the arguments to
the kernel (:mod:`.kernel_rpc`) and brings the result back as data (:mod:`.wire`). An
object that is not data (a Keras model the student built) stays in the kernel and is a
:class:`Remote` here too; its attributes and methods are asked for one by one, and again
only data comes back. Nothing the judge receives is a live object of the student's: no
``__eq__`` of theirs ever runs here.

A function of the judge given as an argument (a test's ``lambda``) is called back: the
kernel asks for it in the middle of the student's call, and the judge answers, running the
student's code again if the callback needs it.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import sys
import time
import types
import warnings
from typing import Any, Callable

import numpy as np

from autograder.grading import keras_twins, wire

# Modules whose classes a handle may claim, for ``isinstance`` in the tests: the claim is
# only ever used for isinstance; every value still comes from the kernel as data.
TRUSTED_MODULES = ("builtins", "numpy", "keras", "tensorflow", "collections")
SERVE_CODE = "from autograder.grading.kernel_rpc import serve as _dl_serve\n_dl_serve()"


class JudgeTimeout(BaseException):
    """The kernel did not answer within the test cell's time limit.

    A ``BaseException``, so that a test's ``except Exception`` does not swallow it.
    """


class KernelGone(BaseException):
    """The kernel exited, or stopped talking, while the judge waited for it."""


class KernelStopped(BaseException):
    """The kernel ended the judge's request without being asked (it was tampered with)."""


class StudentError(Exception):
    """An exception of the student's code that has no built-in counterpart here."""


def _handshaken_client_class() -> type:
    import zmq
    from jupyter_client import BlockingKernelClient

    class HandshakenClient(BlockingKernelClient):
        """A client whose stdin socket is connected before anything is sent.

        The kernel sends ``input_request`` to the identity that sent the request; a ROUTER
        socket silently drops a message for a peer whose connection is not complete, so a
        client that sends at once can lose the kernel's first question.
        """

        def connect_stdin(self, identity: bytes | None = None) -> Any:  # noqa: D102
            socket = self.context.socket(zmq.DEALER)
            socket.linger = 1000
            if identity:
                socket.identity = identity
            monitor = socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
            port = self.stdin_port
            socket.connect(f"ipc://{self.ip}-{port}" if self.transport == "ipc"
                           else f"tcp://{self.ip}:{port}")
            if monitor.poll(10_000):
                monitor.recv_multipart()
            socket.disable_monitor()
            monitor.close()
            return socket

    return HandshakenClient


_clients: dict[str, Any] = {}


def _client_for(connection: dict) -> Any:
    """The judge's client of a kernel, connected once and kept while the kernel lives."""
    key = repr(sorted(connection.items()))
    if key not in _clients:
        _forget_client()
        client = _handshaken_client_class()()
        client.load_connection_info(connection)
        client.start_channels(hb=False)
        _clients[key] = client
    return _clients[key]


def _forget_client() -> None:
    """Closes the kept client (a new kernel, or a conversation that ended badly)."""
    for client in _clients.values():
        client.stop_channels()
    _clients.clear()


class Channel:
    """One test cell's line to the kernel: one execute request, then operations over stdin.

    Args:
        connection: The kernel's connection info (ports or sockets, key).
        deadline: ``time.monotonic()`` by which the cell must be done.
        kernel_pid: The kernel's process id, to notice that it died; None to skip.
        output: Where the student's printed output goes (the cell's captured stdout).
    """

    def __init__(self, connection: dict, deadline: float, kernel_pid: int | None,
                 output: Any) -> None:
        self.deadline = deadline
        self.kernel_pid = kernel_pid
        self.output = output
        self.callbacks: dict[int, Callable] = {}
        self.symbolic: dict[int, Any] = {}  # the test's symbolic Keras tensors sent, by id
        self.client = _client_for(connection)
        self.msg_id = self.client.execute(SERVE_CODE, silent=True, store_history=False,
                                          allow_stdin=True)
        hello = self._next_prompt()
        if not (isinstance(hello, dict) and hello.get("ready") is True):
            raise KernelStopped("the kernel did not start answering the judge")

    def close(self) -> None:
        """Ends the kernel's request (if it still answers) and the client's sockets."""
        try:
            self.client.input(wire.dumps({"op": "done"}))
            self._wait(until_reply=True, budget=2.0)
        except BaseException:  # noqa: BLE001 - the cell is over; the grader checks the kernel
            _forget_client()  # what it would read next belongs to this cell: start clean

    # --- waiting for the kernel -------------------------------------------------------------
    def _alive(self) -> bool:
        if self.kernel_pid is None:
            return True
        import psutil

        try:
            return psutil.Process(self.kernel_pid).status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def _wait(self, until_reply: bool = False, budget: float | None = None) -> Any:
        import zmq

        poller = zmq.Poller()
        channels = (self.client.iopub_channel, self.client.stdin_channel,
                    self.client.shell_channel)
        for channel in channels:
            poller.register(channel.socket, zmq.POLLIN)
        end = self.deadline if budget is None else time.monotonic() + budget
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise JudgeTimeout
            ready = dict(poller.poll(min(remaining, 1.0) * 1000))
            if not ready:
                if not self._alive():
                    raise KernelGone("the kernel died")
                continue
            if self.client.iopub_channel.socket in ready:
                self._copy_output(self.client.iopub_channel.get_msg(timeout=0))
            if self.client.stdin_channel.socket in ready:
                message = self.client.stdin_channel.get_msg(timeout=0)
                if message["parent_header"].get("msg_id") == self.msg_id and not until_reply:
                    return message["content"].get("prompt", "")
            if self.client.shell_channel.socket in ready:
                message = self.client.shell_channel.get_msg(timeout=0)
                if message["parent_header"].get("msg_id") == self.msg_id:
                    if until_reply:
                        return message["content"]
                    content = message["content"]
                    raise KernelStopped("the kernel stopped answering the judge ("
                                     f"{content.get('ename', 'no error')}: "
                                     f"{str(content.get('evalue', ''))[:200]})")

    def _copy_output(self, message: dict) -> None:
        if message["parent_header"].get("msg_id") != self.msg_id:
            return
        if message["msg_type"] == "stream":
            self.output.write(str(message["content"].get("text", "")))

    def _next_prompt(self) -> Any:
        return wire.loads(self._wait())

    # --- operations -------------------------------------------------------------------------
    def _reference(self, value: Any) -> dict:
        if isinstance(value, Remote):
            return {"$handle": [object.__getattribute__(value, "_key"), []]}
        if type(value) is np.random.Generator:  # a twin in the kernel, kept in step
            _generators[id(value)] = value
            return {"$rng": [id(value), wire.encode(value.bit_generator.state)]}
        if isinstance(value, _FUNCTIONS):  # a test's function, not any callable object
            key = len(self.callbacks) + 1
            self.callbacks[key] = value
            return {"$callback": key}
        if keras_twins.is_keras_object(value):
            return keras_twins.reference(value, self._reference, self.symbolic)
        kind = type(value)
        raise wire.UnsendableValue(
            f"the test gave a {kind.__module__}.{kind.__qualname__} to the student's code, and "
            "only data (numbers, strings, NumPy arrays, lists, tuples, dicts) crosses to the "
            "kernel")

    def _resolve(self, tag: str, body: Any) -> Any:
        if tag == "$rng":
            raise wire.BadMessage("the kernel can't send a random generator of its own")
        if tag == "$handle":
            if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], int)
                    and isinstance(body[1], list)):
                raise wire.BadMessage("a malformed handle")
            return Remote(body[0], [str(n) for n in body[1][:12]])
        if tag == "$kback":
            return keras_twins.original(body)
        if tag == "$ksub":
            return keras_twins.load_submodel(body, self.symbolic)
        if tag != "$callback" or body not in self.callbacks:
            raise wire.BadMessage("an unknown callback")
        return self.callbacks[body]

    def encode(self, value: Any) -> Any:
        """A value of the judge as data for the kernel."""
        return wire.encode(value, on_other=self._reference)

    def request(self, message: dict) -> dict:
        """Sends one operation; returns the kernel's answer, serving its callbacks."""
        twins = keras_twins.changed_states()
        self.client.input(wire.dumps({**message, "twins": twins} if twins else message))
        while True:
            answer = self._next_prompt()
            if not isinstance(answer, dict):
                raise wire.BadMessage("the kernel's answer is not an object")
            _follow_generators(answer.get("rngs"))
            keras_twins.write_back(answer.get("twins"))
            if "callback" not in answer:
                return answer
            self.client.input(wire.dumps(self._serve_callback(answer)))

    def _serve_callback(self, asked: dict) -> dict:
        function = self.callbacks.get(asked.get("callback"))
        if function is None:
            return {"raise": {"ename": "RuntimeError", "evalue": "unknown callback"}}
        args = wire.decode(asked.get("args", []), self._resolve)
        kwargs = wire.decode(asked.get("kwargs", {}), self._resolve)
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise wire.BadMessage("a callback's arguments must be a list and a dict")
        try:
            return {"return": self.encode(function(*args, **kwargs))}
        except Exception as error:  # noqa: BLE001 - the student's code sees the test's error
            return {"raise": {"ename": type(error).__name__, "evalue": str(error)[:4000]}}

    def value(self, message: dict) -> Any:
        """Performs an operation and returns its value, raising what the kernel raised."""
        answer = self.request(message)
        if "raise" in answer:
            raise _exception(answer["raise"])
        if "value" not in answer:
            raise wire.BadMessage("the kernel's answer has no value")
        return wire.decode(answer["value"], self._resolve)

    def call(self, target: Remote, args: tuple, kwargs: dict) -> Any:
        """Calls a function of the kernel; arrays and lists it changed are changed here too."""
        sent_args = [self.encode(a) for a in args]
        sent_kwargs = {k: self.encode(v) for k, v in kwargs.items()}
        errstate = {k: v for k, v in np.geterr().items()}
        answer = self.request({"op": "call", "target": self._reference(target),
                               "args": sent_args, "kwargs": sent_kwargs, "errstate": errstate})
        if "raise" in answer:
            raise _exception(answer["raise"])
        changed = answer.get("changed", {})
        if isinstance(changed, dict):
            for where, data in list(changed.items())[:len(args) + len(kwargs)]:
                original = (args[int(where)] if where.isdigit() and int(where) < len(args)
                            else kwargs.get(where))
                write_back(original, wire.decode(data, self._resolve))
        for entry in answer.get("warnings", [])[:50]:
            _warn_again(entry)
        return wire.decode(answer.get("value"), self._resolve)


def run_helper(key: str, args: tuple, kwargs: dict) -> Any:
    """Runs a registered course helper (``autograder.in_kernel``) in the student's kernel."""
    channel = _channel()
    return channel.value({"op": "helper", "name": key,
                          "args": [channel.encode(a) for a in args],
                          "kwargs": {k: channel.encode(v) for k, v in kwargs.items()}})


_FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial,
              np.ufunc)
_current: Channel | None = None
_generators: dict[int, np.random.Generator] = {}  # the tests' generators, by id


def _follow_generators(states: Any) -> None:
    """Puts the tests' generators in the state their twins in the kernel reached."""
    if not isinstance(states, list):
        return
    for entry in states[:1000]:
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in _generators):
            continue
        generator = _generators[entry[0]]
        try:
            state = wire.decode(entry[1])
            if isinstance(state, dict) and state.get("bit_generator") == \
                    generator.bit_generator.state["bit_generator"]:
                generator.bit_generator.state = state
        except (wire.BadMessage, TypeError, ValueError, KeyError):
            continue


def set_channel(channel: Channel | None) -> None:
    """The channel that :class:`Remote` objects use (the running test cell's)."""
    global _current
    _current = channel


def _channel() -> Channel:
    if _current is None:
        raise RuntimeError("a value of the student's kernel was used outside a test cell")
    return _current


def _exception(raised: Any) -> BaseException:
    """The judge's exception for one the student's code raised."""
    if not isinstance(raised, dict):
        return StudentError("the student's code raised an exception the judge can't read")
    name, value = str(raised.get("ename", "Error"))[:200], str(raised.get("evalue", ""))[:4000]
    kind = None
    for candidate in [name] + [str(n) for n in raised.get("builtins", [])][:12]:
        found = getattr(builtins, candidate, None)
        if isinstance(found, type) and issubclass(found, Exception) \
                and not issubclass(found, Warning):
            kind = found
            break
    error = kind(value) if kind is not None else StudentError(f"{name}: {value}" if value else name)
    shown = str(raised.get("traceback", ""))[-4000:]
    if shown:
        error.add_note(f"In the student's code ({name}):\n{shown}")
    return error


def _warn_again(entry: Any) -> None:
    """Re-issues a warning the student's call raised, so that the test's filters see it."""
    if not (isinstance(entry, list) and len(entry) == 4):
        return
    name, message, filename, lineno = entry
    category = getattr(builtins, str(name), None)
    if not (isinstance(category, type) and issubclass(category, Warning)):
        category = UserWarning
    warnings.warn_explicit(str(message)[:2000], category, str(filename)[:500],
                           int(lineno) if isinstance(lineno, int) else 0)


def write_back(original: Any, new: Any) -> None:
    """Makes ``original`` (the test's argument) hold what the student's call left in it."""
    if isinstance(original, np.ndarray) and isinstance(new, np.ndarray):
        if original.shape == new.shape and original.flags.writeable:
            try:
                np.copyto(original, new, casting="unsafe")
            except (TypeError, ValueError):
                pass
        return
    if isinstance(original, list) and isinstance(new, list):
        for index, item in enumerate(new[:len(original)]):
            if _mergeable(original[index], item):
                write_back(original[index], item)
            else:
                original[index] = item
        del original[len(new):]
        original.extend(new[len(original):])
    elif isinstance(original, tuple) and isinstance(new, tuple):
        for mine, theirs in zip(original, new):
            write_back(mine, theirs)
    elif isinstance(original, dict) and isinstance(new, dict):
        for key in [k for k in original if k not in new]:
            del original[key]
        for key, item in new.items():
            if key in original and _mergeable(original[key], item):
                write_back(original[key], item)
            else:
                original[key] = item


def _mergeable(original: Any, new: Any) -> bool:
    return (isinstance(original, (np.ndarray, list, dict, tuple))
            and type(original) is type(new))


def _local_class(names: list[str]) -> type:
    """The judge's own class for a handle's type, if a trusted module has it."""
    for qualified in names:
        module, _, name = qualified.rpartition(".")
        if not module.startswith(TRUSTED_MODULES) or "<" in qualified:
            continue
        if module.split(".")[0] not in sys.modules:
            continue
        try:
            found = importlib.import_module(module)
            for part in name.split("."):
                found = getattr(found, part)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(found, type):
            return found
    return Remote


class Remote:
    """An object that lives in the student's kernel, seen from the judge.

    Every operation asks the kernel and gets data (or another ``Remote``) back.
    ``isinstance`` against a Keras or NumPy class answers from the class the kernel names
    (only ever used for ``isinstance``); ``isinstance(x, remote_class)`` asks the kernel.
    """

    __slots__ = ("_key", "_types")

    def __init__(self, key: int, types: list[str]) -> None:
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_types", types)

    @property
    def __class__(self) -> type:  # noqa: D105
        return _local_class(object.__getattribute__(self, "_types"))

    def _ask(self, op: str, **more: Any) -> Any:
        channel = _channel()
        return channel.value({"op": op, "target": channel._reference(self), **more})  # noqa: SLF001

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__") and name not in ("__name__",
                                                                          "__qualname__",
                                                                          "__doc__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        channel = _channel()
        channel.value({"op": "setattr", "target": channel._reference(self),  # noqa: SLF001
                       "name": name, "value": channel.encode(value)})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _channel().call(self, args, kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", key=_channel().encode(key))

    def __len__(self) -> int:
        return _exact(self._ask("len"), int, "len()")

    def __iter__(self):
        items = self._ask("list")
        if not isinstance(items, list):
            raise TypeError("the student's object did not list its items")
        return iter(items)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self._ask("array")
        if not isinstance(array, np.ndarray):
            array = np.asarray(array)
        return array.astype(dtype) if dtype is not None else array

    def __int__(self) -> int:
        return _exact(self._ask("int"), int, "int()")

    def __index__(self) -> int:
        return _exact(self._ask("index"), int, "index")

    def __float__(self) -> float:
        return _exact(self._ask("float"), float, "float()")

    def __bool__(self) -> bool:
        return _exact(self._ask("bool"), bool, "bool()")

    def __str__(self) -> str:
        return _exact(self._ask("str"), str, "str()")[:10_000]

    def __format__(self, spec: str) -> str:
        return _exact(self._ask("format", spec=spec), str, "format()")[:10_000]

    def __repr__(self) -> str:
        types = object.__getattribute__(self, "_types")
        return f"<{types[0] if types else 'object'} in the student's kernel>"

    def __instancecheck__(self, instance: Any) -> bool:
        channel = _channel()
        try:
            of = channel.encode(instance)
        except wire.UnsendableValue:
            return False
        return _exact(self._ask("isinstance", of=of), bool, "isinstance()")

    def __hash__(self) -> int:
        return hash(("remote", object.__getattribute__(self, "_key")))

    def __eq__(self, other: Any) -> bool:
        return other is self

    def __ne__(self, other: Any) -> bool:
        return other is not self


def _exact(value: Any, kind: type, what: str) -> Any:
    if type(value) is not kind:
        raise TypeError(f"{what} of the student's object gave a {type(value).__name__}, "
                        f"expected {kind.__name__}")
    return value
