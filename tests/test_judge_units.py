"""The judge's data format and its handling of what the kernel sends, without a kernel."""

from __future__ import annotations

import base64
import io
import warnings

import numpy as np
import pytest

from autograder.grading import remote, wire
from autograder.grading.judge import referenced_names


def _round_trip(value):
    return wire.decode(wire.loads(wire.dumps(wire.encode(value))))


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 2.5, float("inf"), "text", b"\x00\xff", 1 - 2j,
    np.float32(1.5), np.int64(-3), np.bool_(True), np.array(7.0), np.arange(6.0).reshape(2, 3),
    np.arange(6).reshape(2, 3).T, np.array(["a", "bc"]), np.zeros((0, 3)),
    [1, (2.0, [np.ones(2)])], {"a": 1, "b": {"c": (1, 2)}}, {1: "x", 2.5: "y"},
    {"$tricky": 1},
])
def test_values_cross_unchanged(value):
    back = _round_trip(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
    elif isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    else:
        assert back == value if not isinstance(value, (list, dict)) else repr(back) == repr(value)


class _Liar(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


@pytest.mark.parametrize("value", [_Liar(3), np.array([object()]), np.ma.masked_array([1.0]),
                                   {(1, 2): 3}, object(), type])
def test_what_is_not_data_does_not_cross(value):
    with pytest.raises(wire.UnsendableValue):
        wire.encode(value)


def test_a_generator_crosses_as_its_state_and_follows_its_twin():
    rng = np.random.default_rng(5)
    copy = _round_trip(rng)
    assert type(copy) is np.random.Generator and copy.random() == rng.random()
    sent = remote.Channel._reference(None, rng)  # what the judge sends for its generator
    twin = wire.generator_from_state(wire.decode(sent["$rng"][1]))
    twin.random(3)  # the student's code draws in the kernel
    remote._follow_generators([[sent["$rng"][0], wire.encode(twin.bit_generator.state)]])
    assert rng.random() == twin.random()
    with pytest.raises(wire.BadMessage):
        wire.decode({"$rng": [0, {"bit_generator": "os.system"}]})


def test_other_values_become_references():
    kept = []
    data = wire.encode([1, _Liar(2)], on_other=lambda v: kept.append(v) or {"$handle": [7, []]})
    assert data == [1, {"$handle": [7, []]}] and type(kept[0]) is _Liar


def test_objects_the_other_side_owns_are_named_first():
    mine = np.arange(3)
    known = {id(mine): {"$kback": 5}}
    data = wire.encode({"w": [mine, np.ones(2)]}, first=lambda v: known.get(id(v)))
    assert data["w"][0] == {"$kback": 5} and "$array" in data["w"][1]


@pytest.mark.parametrize("tag", ["$ktwin", "$kback", "$ksub"])
def test_twin_references_need_a_resolver(tag):
    with pytest.raises(wire.BadMessage):
        wire.decode({tag: 1})


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("data", [
    {"$array": _npy(np.array([{"x": 1}], dtype=object))},   # a pickle inside .npy
    {"$array": "not base64!"},
    {"$handle": [1, []]},                                   # references need a resolver
    {"$unknown": 1},
    {"$dict": [[[1, 2], 3]]},                               # a list as a key
    ("tuple", "is not JSON"),
])
def test_bad_messages_are_refused(data):
    with pytest.raises(wire.BadMessage):
        wire.decode(data)


def test_deep_nesting_is_refused_both_ways():
    deep = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.UnsendableValue):
        wire.encode(deep)
    with pytest.raises(wire.BadMessage):
        wire.decode(deep)
    with pytest.raises(wire.BadMessage):
        wire.loads("[" * 100_000 + "]" * 100_000)


def test_write_back_changes_the_tests_own_objects():
    inner = np.zeros(2)
    args = [inner, [1, 2]]
    table = {"w": np.ones(2), "gone": 1}
    remote.write_back(args, [np.array([3.0, 4.0]), [5]])
    remote.write_back(table, {"w": np.array([7.0, 8.0]), "new": 2})
    assert args[0] is inner and inner.tolist() == [3.0, 4.0] and args[1] == [5]
    assert table["w"].tolist() == [7.0, 8.0] and "gone" not in table and table["new"] == 2
    frozen = np.zeros(2)
    frozen.flags.writeable = False
    remote.write_back(frozen, np.ones(2))
    assert frozen.tolist() == [0.0, 0.0]


def test_student_exceptions_map_to_builtins_only():
    error = remote._exception({"ename": "MyError", "evalue": "bad", "builtins": ["ValueError"],
                               "traceback": '  File "<cell>", line 2'})
    assert type(error) is ValueError and str(error) == "bad" and error.__notes__
    other = remote._exception({"ename": "SystemExit", "evalue": "3"})
    assert type(other) is remote.StudentError and "SystemExit" in str(other)
    assert type(remote._exception("garbage")) is remote.StudentError


def test_warnings_of_the_student_are_raised_again_here():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        remote._warn_again(["RuntimeWarning", "overflow in exp", "<cell>", 3])
        remote._warn_again(["EvilWarning", "x", "<cell>", 1])
        remote._warn_again("not a warning")
    assert [type(w.message) for w in caught] == [RuntimeWarning, UserWarning]


def test_a_remote_object_compares_only_with_itself():
    thing = remote.Remote(1, ["builtins.int", "builtins.object"])
    assert thing != 3 and not (thing == 3) and thing == thing
    assert isinstance(thing, int) and isinstance(thing, remote.Remote)
    student = remote.Remote(2, ["__main__.Mine", "builtins.object"])
    assert student.__class__ is object
    hidden = remote.Remote(3, ["evil.module.Thing"])
    assert hidden.__class__ is remote.Remote
    with pytest.raises(RuntimeError, match="outside a test cell"):
        _ = thing.anything


def test_referenced_names_include_nested_functions():
    names = referenced_names("def f(x):\n    return softmax(x) + y\nz = f(np.ones(2))")
    assert {"softmax", "y", "np", "f", "z"} <= names
    assert referenced_names("def (:") == set()
