"""The data format between the judge and a student's kernel: JSON, with arrays as ``.npy``.

Only values cross, never live objects and never a pickle. :func:`encode` turns a value into
JSON-ready data and :func:`decode` turns it back, into nothing but plain Python values and
NumPy arrays:

* ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes`` (exact types: an
  ``int`` subclass with its own ``__eq__`` is *not* a number here);
* NumPy arrays of booleans, numbers or strings (``np.save``/``np.load`` with
  ``allow_pickle=False``) and NumPy scalars;
* lists, tuples and dicts of these (dict keys: ``str``, ``int``, ``float``, ``bool``);
* a NumPy ``Generator``, as ``[id, state of its bit generator]``: the judge's generators
  have twins in the kernel, kept by id, whose state is sent back after every operation, so
  a test's seeded ``rng`` draws the same numbers as in the kernel and goes on from where
  the student's code left it;
* TensorFlow tensors and Keras variables with a value, as arrays, that arrive as tensors
  where TensorFlow is loaded (``isinstance(loss, tf.Tensor)`` holds) and as arrays elsewhere;
* two references, which the two sides resolve themselves: ``{"$handle": id}`` for an
  object that stays in the kernel and ``{"$callback": id}`` for a function of the judge.

What does not fit is given to ``on_other`` (the kernel keeps it and sends a handle); with no
``on_other`` it is an :class:`UnsendableValue`. Sizes are limited on both sides:
:data:`MAX_MESSAGE_CHARS` per message and :data:`MAX_DEPTH` levels of nesting.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from typing import Any, Callable

import numpy as np

MAX_MESSAGE_CHARS = 256 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
ARRAY_KINDS = frozenset("biufcUS")  # bool, integers, floats, complex, str, bytes; no objects
_SCALARS = (type(None), bool, int, float, str)
# References each side resolves itself: a kernel object, a judge function, and Keras twins
# (a test's object described for the kernel, a twin named back, the student's layers).
REFERENCE_TAGS = ("$handle", "$callback", "$ktwin", "$kback", "$ksub")


class UnsendableValue(TypeError):
    """A value that can't cross between the judge and the kernel."""


class BadMessage(ValueError):
    """A message that is not what the protocol allows (too big, too deep, wrong types)."""


def _array_to_text(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array if array.flags.c_contiguous else array.copy(order="C"),
            allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _array_from_text(text: Any) -> np.ndarray:
    if not isinstance(text, str):
        raise BadMessage(f"an array must be sent as text, got {type(text).__name__}")
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise BadMessage(f"an array could not be read: {error}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in ARRAY_KINDS:
        raise BadMessage(f"arrays of {getattr(array, 'dtype', '?')} can't be sent")
    return array


_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


def _tensor_value(value: Any) -> np.ndarray | None:
    """The array a TensorFlow tensor or Keras variable holds; None for anything else."""
    if not (type(value).__module__ or "").startswith(("tensorflow", "keras")):
        return None
    to_numpy = getattr(value, "numpy", None)
    if not callable(to_numpy):
        return None
    try:
        array = to_numpy()
    except Exception:  # noqa: BLE001 - a symbolic tensor holds no value
        return None
    if isinstance(array, np.generic):
        array = np.asarray(array)
    return array if type(array) is np.ndarray and array.dtype.kind in ARRAY_KINDS else None


def generator_from_state(state: Any) -> np.random.Generator:
    """A NumPy ``Generator`` in the given bit-generator state (checked)."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in _BIT_GENERATORS:
        raise BadMessage(f"unknown random generator {str(name)[:40]!r}")
    bits = getattr(np.random, name)()
    try:
        bits.state = state
    except (TypeError, ValueError, KeyError) as error:
        raise BadMessage(f"a random generator's state could not be set: {error}") from None
    return np.random.Generator(bits)


def encode(value: Any, on_other: Callable[[Any], dict] | None = None, _depth: int = 0,
           first: Callable[[Any], dict | None] | None = None) -> Any:
    """A value as JSON-ready data.

    Args:
        value: What to send.
        on_other: Called with a value that is not data; returns its reference (a handle or
            a callback). Without it such a value raises :class:`UnsendableValue`.
        first: Asked before anything else for every value that is not a plain scalar; a
            reference it returns is sent instead (the kernel names the judge's own objects
            this way, even a Keras variable that would otherwise cross as an array).

    Returns:
        Data that ``json.dumps`` accepts.

    Raises:
        UnsendableValue: For a value that is not data (and no ``on_other``), or one nested
            deeper than :data:`MAX_DEPTH`.
    """
    if _depth > MAX_DEPTH:
        raise UnsendableValue(f"values nested more than {MAX_DEPTH} levels deep can't be sent")
    kind = type(value)
    if first is not None and kind not in _SCALARS:
        known = first(value)
        if known is not None:
            return known
    if kind in _SCALARS:
        if kind is float and not np.isfinite(value):
            return {"$float": repr(value)}
        if kind is int and abs(value) > 2**63:
            return {"$int": str(value)}
        return value
    if kind is complex:
        return {"$complex": [repr(value.real), repr(value.imag)]}
    if kind is bytes:
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if kind is np.ndarray and value.dtype.kind in ARRAY_KINDS:
        return {"$array": _array_to_text(value)}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" \
            and value.dtype.kind in ARRAY_KINDS:
        return {"$scalar": _array_to_text(np.asarray(value))}
    tensor = _tensor_value(value)
    if tensor is not None:
        return {"$tensor": _array_to_text(tensor)}
    if kind is np.random.Generator and on_other is None:
        return {"$rng": [0, encode(value.bit_generator.state, None, _depth + 1)]}
    if kind in (list, tuple):
        if len(value) > MAX_ITEMS:
            raise UnsendableValue(f"a {kind.__name__} of {len(value):,} items is too long to send")
        items = [encode(item, on_other, _depth + 1, first) for item in value]
        return items if kind is list else {"$tuple": items}
    if kind is dict:
        if len(value) > MAX_ITEMS:
            raise UnsendableValue(f"a dict of {len(value):,} items is too long to send")
        if all(type(key) is str and not key.startswith("$") for key in value):
            return {key: encode(item, on_other, _depth + 1, first) for key, item in value.items()}
        if not all(type(key) in (str, int, float, bool) for key in value):
            raise UnsendableValue("only dicts with str, int, float or bool keys can be sent")
        return {"$dict": [[encode(key), encode(item, on_other, _depth + 1, first)]
                          for key, item in value.items()]}
    if on_other is None:
        raise UnsendableValue(f"a {kind.__module__}.{kind.__qualname__} can't be sent: only "
                              "numbers, strings, NumPy arrays and lists, tuples and dicts of them")
    return on_other(value)


def decode(data: Any, on_reference: Callable[[str, Any], Any] | None = None,
           _depth: int = 0) -> Any:
    """The value that :func:`encode` turned into ``data``.

    Args:
        data: Parsed JSON.
        on_reference: Called with ``("$handle", id)`` or ``("$callback", id)``; returns the
            object that stands for the reference. Without it references are refused.

    Returns:
        Plain Python values and NumPy arrays (and what ``on_reference`` returns).

    Raises:
        BadMessage: For anything the protocol does not allow.
    """
    if _depth > MAX_DEPTH + 1:
        raise BadMessage(f"values nested more than {MAX_DEPTH} levels deep are refused")
    kind = type(data)
    if kind in _SCALARS:
        return data
    if kind is list:
        return [decode(item, on_reference, _depth + 1) for item in data]
    if kind is not dict:
        raise BadMessage(f"unexpected {kind.__name__} in a message")
    if len(data) == 1:
        (tag, body), = data.items()
        if tag == "$array":
            return _array_from_text(body)
        if tag == "$scalar":
            return _array_from_text(body)[()]
        if tag == "$tuple" and type(body) is list:
            return tuple(decode(item, on_reference, _depth + 1) for item in body)
        if tag == "$float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "$int" and type(body) is str and len(body) <= 64:
            return int(body)
        if tag == "$complex" and type(body) is list and len(body) == 2:
            return complex(float(body[0]), float(body[1]))
        if tag == "$bytes" and type(body) is str:
            return base64.b64decode(body, validate=True)
        if tag == "$dict" and type(body) is list:
            pairs = {}
            for pair in body:
                if type(pair) is not list or len(pair) != 2:
                    raise BadMessage("a dict must be sent as [key, value] pairs")
                key = decode(pair[0])
                if type(key) not in (str, int, float, bool):
                    raise BadMessage(f"a dict key can't be a {type(key).__name__}")
                pairs[key] = decode(pair[1], on_reference, _depth + 1)
            return pairs
        if tag == "$tensor":
            array = _array_from_text(body)
            tf = sys.modules.get("tensorflow")  # a tensor where TensorFlow is already loaded
            return tf.convert_to_tensor(array) if tf is not None else array
        if tag == "$rng":
            if not (type(body) is list and len(body) == 2 and type(body[0]) is int):
                raise BadMessage("a random generator must be sent as [id, state]")
            state = decode(body[1], None, _depth + 1)
            if on_reference is not None and body[0]:
                return on_reference(tag, [body[0], state])
            return generator_from_state(state)
        if tag in REFERENCE_TAGS:
            if on_reference is None:
                raise BadMessage(f"a {tag[1:]} is not allowed here")
            return on_reference(tag, body)
    if any(type(key) is not str or key.startswith("$") for key in data):
        raise BadMessage(f"unknown tag in a message: {sorted(map(str, data))[:3]}")
    return {key: decode(item, on_reference, _depth + 1) for key, item in data.items()}


def dumps(data: Any) -> str:
    """JSON text of encoded data, refusing messages over :data:`MAX_MESSAGE_CHARS`."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    if len(text) > MAX_MESSAGE_CHARS:
        raise UnsendableValue(f"a message of {len(text):,} characters is too large "
                              f"(the limit is {MAX_MESSAGE_CHARS:,})")
    return text


def loads(text: Any) -> Any:
    """Parsed JSON of a message, refusing what is too large or not JSON."""
    if not isinstance(text, str):
        raise BadMessage(f"a message must be text, got {type(text).__name__}")
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadMessage(f"a message of {len(text):,} characters is too large")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BadMessage(f"a message is not valid JSON: {str(error)[:200]}") from None
