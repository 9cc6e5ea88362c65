"""A small class for the term tests: honest students with their own code, and near-copies.

``ada`` is the sample class's careful student (``tests/variants``: her own answers and
the written proofs of 06). ``hal`` and ``ivy`` wrote module 01 their own way. ``fay``
copied ada and ``gus`` copied hal, each renaming variables, rewriting comments and
reformatting: the two planted near-copies that ``dlcourse similar`` must rank on top.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.submissions import make_submission
from tests.variants import m01_neuron as V01, m06_softmax as V06


HAL_01 = {
    "line": '''
def line(x, m, c):
    values = np.array(x, dtype=np.float64)
    result = values * m
    result = result + c
    return result
''',
    "sigmoid": '''
def sigmoid(z):
    arr = np.array(z, dtype=np.float64)
    out = np.empty_like(arr)
    pos = arr >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-arr[pos]))
    ez = np.exp(arr[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out
''',
    "relu": '''
def relu(z):
    arr = np.array(z, dtype=np.float64)
    return np.where(arr > 0, arr, 0.0)
''',
    "neuron": '''
def neuron(x, w, b, activation):
    inputs = np.array(x, dtype=np.float64)
    weights = np.array(w, dtype=np.float64)
    total = np.dot(inputs, weights) + b
    return activation(total)
''',
    "perceptron_weights": '''
def perceptron_weights(gate):
    gate = str(gate).lower()
    if gate == "and":
        weights, bias = [1.0, 1.0], -1.2
    elif gate == "or":
        weights, bias = [1.0, 1.0], -0.8
    elif gate == "nand":
        weights, bias = [-1.0, -1.0], 1.2
    else:
        raise ValueError("gate must be and, or or nand, not %r" % (gate,))
    return np.array(weights), bias
''',
    "perceptron_train": '''
def perceptron_train(X, y, lr=1.0, epochs=20):
    data = np.array(X, dtype=np.float64)
    targets = np.array(y, dtype=np.float64).ravel()
    n_features = data.shape[1]
    weights = np.zeros(n_features)
    bias = 0.0
    epoch = 0
    while epoch < epochs:
        changed = False
        for k in range(data.shape[0]):
            guess = 1.0 if np.dot(data[k], weights) + bias > 0 else 0.0
            delta = targets[k] - guess
            if delta != 0:
                weights += lr * delta * data[k]
                bias += lr * delta
                changed = True
        if not changed:
            break
        epoch += 1
    return weights, bias
''',
}

IVY_01 = {
    "line": '''
def line(x, m, c):
    return c + m * np.array(x, float)
''',
    "sigmoid": '''
def sigmoid(z):
    from scipy.special import expit
    return expit(np.array(z, float))
''',
    "relu": '''
def relu(z):
    z = np.array(z, float)
    return z * (z > 0)
''',
    "neuron": '''
def neuron(x, w, b, activation):
    return activation(np.matmul(np.array(x, float), np.array(w, float)) + b)
''',
    "perceptron_weights": '''
def perceptron_weights(gate):
    known = dict(
        and_=(np.array([3.0, 3.0]), -5.0),
        or_=(np.array([3.0, 3.0]), -2.0),
        nand=(np.array([-3.0, -3.0]), 5.0),
    )
    key = gate if gate == "nand" else gate + "_"
    if key not in known:
        raise ValueError(gate)
    return known[key]
''',
    "perceptron_train": '''
def perceptron_train(X, y, lr=1.0, epochs=20):
    X = np.array(X, float)
    y = np.array(y, float)
    params = np.zeros(X.shape[1] + 1)
    augmented = np.c_[X, np.ones(len(X))]
    for _ in range(epochs):
        predictions = (augmented @ params > 0).astype(float)
        if np.array_equal(predictions, y):
            break
        for row, target in zip(augmented, y):
            params = params + lr * (target - float(row @ params > 0)) * row
    return params[:-1], params[-1]
''',
}


def near_copy(code: str) -> str:
    """A copy disguised the usual way: local names renamed, comments rewritten, reformatted.

    Args:
        code: A function's source.

    Returns:
        The same function with every assigned local name renamed, its comments replaced
        and blank lines added.
    """
    assigned = set(re.findall(r"^\s*([A-Za-z_]\w*)\s*(?:\+|-)?=(?!=)", code, re.M))
    assigned |= {n for group in re.findall(r"for\s+([\w\s,()]+?)\s+in\b", code)
                 for n in re.findall(r"[A-Za-z_]\w*", group)}
    params = set(re.split(r"[,\s=]+", re.findall(r"def\s+\w+\(([^)]*)\)", code)[0]))
    for name in sorted(assigned - params - {"_"}, key=len, reverse=True):
        code = re.sub(rf"\b{name}\b", f"my_{name.lower()}_var", code)
    lines = []
    for line in code.strip("\n").splitlines():
        if line.strip().startswith("#"):
            continue
        line = re.sub(r"\s+#.*$", "", line)
        lines.append(line)
        if line.rstrip().endswith(":") and line.lstrip().startswith("def "):
            lines.append("    # my own solution, written after the lecture")
        elif line.strip().startswith("return"):
            lines.append("")
    return "\n".join(lines) + "\n"


def answers() -> dict[str, dict[str, dict[str, str]]]:
    """``{student: {module: {grade_id: source}}}`` for the term's class."""
    ada01, ada06 = dict(V01.CORRECT), {**V06.CORRECT, **V06.PROOFS}
    return {
        "ada": {"01_neuron": ada01, "06_softmax": ada06},
        "fay": {"01_neuron": {k: near_copy(v) for k, v in ada01.items()},
                "06_softmax": {**{k: near_copy(v) for k, v in V06.CORRECT.items()},
                               "proof_monotonicity": "a_j grows with z_j and falls with z_k."}},
        "hal": {"01_neuron": HAL_01},
        "ivy": {"01_neuron": IVY_01},
        "gus": {"01_neuron": {k: near_copy(v) for k, v in HAL_01.items()}},
    }


def notebooks(root: Path) -> dict[tuple[str, str], object]:
    """Every submission of the class as a notebook, by (student, module)."""
    return {(student, module): make_submission(root, module, code)
            for student, modules in answers().items() for module, code in modules.items()}


ROSTER = Path(__file__).parent / "fixtures" / "term" / "roster.csv"
NAMES = {"ada": ("Ada Lovelace", 501), "fay": ("Fay Wray", 502), "hal": ("Hal Abelson", 503),
         "ivy": ("Ivy Baker", 504), "gus": ("Gus Grissom", 505), "ben": ("Ben Okafor", 506)}


def zip_download(files: dict[str, bytes], path: Path) -> Path:
    """A zip archive (Moodle's and Canvas' downloads are zips).

    Args:
        files: ``{archive name: bytes}``, names from :func:`moodle_name`/:func:`canvas_name`.
        path: The zip file to write.
    """
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def moodle_name(student: str, participant: int, filename: str) -> str:
    """``Full Name_<participant id>_assignsubmission_file_/<file>`` (Moodle's folders)."""
    return f"{NAMES[student][0]}_{participant}_assignsubmission_file_/{filename}"


def canvas_name(student: str, submission: int, filename: str, late: bool = False) -> str:
    """``<loginname>_[late_]<user id>_<submission id>_<file>`` (Canvas' download)."""
    first, last = NAMES[student][0].lower().split()
    return f"{last}{first}_{'late_' if late else ''}{NAMES[student][1]}_{submission}_{filename}"
