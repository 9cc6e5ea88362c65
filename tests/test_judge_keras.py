"""Keras objects of a test cross to the student's kernel as twins (see ``keras_twins``).

A small notebook in a real kernel: a test's model updated by the student's function and
written back (weights, batch-norm statistics, trainable flags), the same model and Adam
given to two calls, the test's model given back (``result is model``), a callback of the
test driving the kernel's training, a course callback run in the kernel with its state
brought back, symbolic tensors through the student's layers (nested
calls, a Lambda layer refused with a clear message), and a wrong answer that must fail.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.grading.execute import Limits, NotebookRunner
from autograder.grading.status import CellStatus

pytestmark = [pytest.mark.grading, pytest.mark.xdist_group("judge_keras")]

SETUP = ("import numpy as np\nimport keras\nimport tensorflow as tf\n"
         "from autograder.checks import check_close, check_equal, check_true, gradient_of")
ANSWER = '''def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply(grads, model.trainable_variables)
    return loss

def freeze(model):
    model.trainable = False
    return model

def build(n):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(n)])
    return model

def block(x, units):
    h = keras.layers.Dense(units, activation="relu")(x)
    return keras.layers.Add()([x, keras.layers.Dense(units)(h)])

def lambda_block(x):
    return keras.layers.Lambda(lambda t: t * 2)(x)

def wrap(base, trainable):
    base.trainable = trainable
    return keras.Sequential([base, keras.layers.Dense(2)])

def tf_loss(a, b):
    return tf.reduce_sum(a * b)

def numpy_loss(a):
    return float(np.sum(np.asarray(a) ** 2))

def wrong_step(model, optimizer, loss_fn, x, y):
    return loss_fn(y, model(x))
'''
_TWO_MODELS = '''rng = np.random.default_rng(0)
x = rng.normal(size=(16, 4)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
build_ = lambda: keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, use_bias=False),
                                   keras.layers.BatchNormalization(), keras.layers.Dense(1)])
keras.utils.set_random_seed(0)
by_fit, by_step = build_(), build_()
by_step.set_weights(by_fit.get_weights())
by_fit.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.MeanSquaredError())
fit_losses = by_fit.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history["loss"]
opt = keras.optimizers.Adam(0.01)
'''
TESTS = {
    "test_model_written_back": _TWO_MODELS + '''
losses = [float(STEP(by_step, opt, keras.losses.MeanSquaredError(), x, y)) for _ in range(2)]
check_close(losses, fit_losses, "losses", rtol=1e-4)
for a, b in zip(by_step.get_weights(), by_fit.get_weights()):
    check_close(a, b, "weights (batch-norm statistics too)", rtol=1e-4, atol=1e-5)
''',
    "test_given_back": '''m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(1)])
result = freeze(m)
check_true(result is m, "freeze returns the test's model itself")
check_equal(len(m.trainable_weights), 0, "trainable weights after freeze")
''',
    "test_reached_through": '''base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)], name="base")
model = wrap(base, False)
check_true(all(id(v) in {id(w) for w in model.weights} for v in base.weights),
           "the base's variables come back as the test's own")
check_true(not base.trainable, "the flag the student's code set is written back")
base.set_weights([np.zeros(w.shape) for w in base.get_weights()])
check_close(model.predict(np.ones((2, 3)), verbose=0), np.zeros((2, 2)),
            "the test's change to the base reaches the twin inside the student's model")
before = [w.copy() for w in base.get_weights()]
tuned = wrap(base, True)
tuned.compile(optimizer="sgd", loss="mse")
tuned.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=1, verbose=0)
check_true(any(not np.array_equal(a, b) for a, b in zip(before, base.get_weights())),
           "training through the student's model changed the test's base")
''',
    "test_callback": '''seen = []
class Stop(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        seen.append(round(float(logs["loss"]), 6))
        if epoch == 1:
            self.model.stop_training = True
model = build(1)
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=10, verbose=0, callbacks=[Stop()])
check_equal(len(seen), 2, "epochs seen by the test's callback")
check_equal(len(history.history["loss"]), 2, "epochs trained (the callback stopped at 2)")
''',
    "test_course_callback": '''from autograder.callbacks import TimeBudget
model = build(1)
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
spent = TimeBudget(0.0)
history = model.fit(np.ones((64, 3)), np.ones((64, 1)), batch_size=8, epochs=5, verbose=0,
                    callbacks=[spent])
check_true(spent.exceeded, "the budget spent in the kernel comes back to the test's callback")
check_equal(len(history.history["loss"]), 1, "epochs trained (stopped after the first batch)")
ample = TimeBudget(600)
history = model.fit(np.ones((64, 3)), np.ones((64, 1)), batch_size=8, epochs=2, verbose=0,
                    callbacks=[ample])
check_true(not ample.exceeded, "a budget not spent")
check_equal(len(history.history["loss"]), 2, "epochs trained with time to spare")
''',
    "test_symbolic": '''keras.utils.set_random_seed(1)
inputs = keras.Input((5,))
outputs = block(block(inputs, 5), 5)
check_equal(tuple(outputs.shape), (None, 5), "shape")
model = keras.Model(inputs, outputs)
check_true(model.count_params() == 2 * (5 * 5 + 5) * 2, f"params {model.count_params()}")
model.set_weights([np.zeros(w.shape) for w in model.get_weights()])
x = np.ones((2, 5), "float32")
check_close(model.predict(x, verbose=0), x, "identity with zero weights")
''',
    "test_gradient_in_kernel": '''a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
value, (da, db) = gradient_of(tf_loss, a, b)
check_true(tf.is_tensor(value), "the loss arrives as a tensor")
check_close(float(value), 11.0, "value")
check_close(da, [3.0, 4.0], "d/da")
check_close(db, [1.0, 2.0], "d/db")
value, (dn,) = gradient_of(numpy_loss, a)
check_true(dn is None and not tf.is_tensor(value), "a NumPy loss has no gradient")
''',
    "test_lambda_refused": '''try:
    lambda_block(keras.Input((2,)))
except TypeError as error:
    check_true("no Lambda layers" in str(error), str(error))
else:
    raise AssertionError("a Lambda layer crossed")
''',
}
MUST_FAIL = {"test_wrong_step": _TWO_MODELS + '''
losses = [float(wrong_step(by_step, opt, keras.losses.MeanSquaredError(), x, y)) for _ in range(2)]
check_close(losses, fit_losses, "losses", rtol=1e-4)
'''}


def _cell(source: str, **meta) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "schema_version": 3, "grade": False, "solution": False, "locked": False, **meta}})


@pytest.fixture(scope="module")
def judged():
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell(SETUP, grade_id="setup", locked=True),
                _cell(ANSWER, grade_id="answer", solution=True)]
    for gid, source in {**TESTS, **MUST_FAIL}.items():
        nb.cells.append(_cell(source.replace("STEP", "train_step"), grade_id=gid, grade=True,
                              locked=True, points=1))
    run = NotebookRunner(nb, None, Limits(cell_timeout=120, sandbox="off")).run()
    return {nb.cells[i].metadata["nbgrader"]["grade_id"]: r for i, r in enumerate(run.cells)}


def test_only_registered_course_helpers_run_in_the_kernel():
    from autograder.in_kernel import helper

    assert helper("autograder.checks:gradient_of").__name__ == "gradient_of"
    for name in ("os:system", "autograder.checks:check_close", "autograder.checks:nothing"):
        with pytest.raises(LookupError):
            helper(name)


def test_a_model_state_is_checked_before_it_is_written():
    import keras
    import numpy as np

    from autograder.grading import keras_twins, wire

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    state = keras_twins.model_state(model)
    state["weights"][0] = wire.encode(np.zeros((5, 5), "float32"))
    with pytest.raises(wire.BadMessage, match="shape"):
        keras_twins.set_model_state(model, state)
    with pytest.raises(wire.BadMessage, match="number"):
        keras_twins.set_model_state(model, {"weights": [], "trainable": []})
    good = keras_twins.model_state(model)
    good["weights"] = [wire.encode(np.ones(w.shape, "float32")) for w in model.get_weights()]
    keras_twins.set_model_state(model, good)
    assert all(np.all(w == 1) for w in model.get_weights())

    from autograder.callbacks import TimeBudget

    budget = TimeBudget(1)
    for bad in ({"attributes": {"exceeded": [True]}}, {"attributes": {"model": 1}},
                {"weights": []}):
        with pytest.raises(wire.BadMessage, match="TimeBudget"):
            keras_twins.set_model_state(budget, bad)
    keras_twins.set_model_state(budget, {"attributes": {"exceeded": True}})
    assert budget.exceeded is True


@pytest.mark.parametrize("gid", sorted(TESTS))
def test_keras_twin_case_passes(judged, gid):
    result = judged[gid]
    assert result.status == CellStatus.OK, (result.status, result.message)


def test_a_wrong_step_fails_in_the_judge(judged):
    result = judged["test_wrong_step"]
    assert result.status == CellStatus.ERROR and result.ename == "CheckFailure", result.message
    assert "losses" in result.message
