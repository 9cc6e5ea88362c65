"""Alternative correct and plausible wrong answers for module 14_architectures."""

MODULE = "14_architectures"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "freeze": '''
def freeze(model):
    # Setting the flag on the model sets it on every layer inside, recursively.
    model.trainable = False
    return model
''',
    "build_transfer_model": '''
def build_transfer_model(base, num_classes):
    # Sequential head with a hidden layer, base frozen layer by layer.
    for layer in base.layers:
        layer.trainable = False
    base.trainable = False
    inputs = keras.Input(shape=base.inputs[0].shape[1:])
    x = base(inputs, training=False)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="transfer")
''',
    "save_and_reload": '''
def save_and_reload(model, path):
    keras.saving.save_model(model, path)
    return keras.saving.load_model(path)
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "freeze": [
        ("leaves the last layer trainable", '''
def freeze(model):
    for layer in model.layers[:-1]:
        layer.trainable = False
    return model
'''),
        ("forgets to return the model", '''
def freeze(model):
    for layer in model.layers:
        layer.trainable = False
'''),
        ("freezes a copy, not the model it was given", '''
def freeze(model):
    frozen = keras.models.clone_model(model)
    frozen.trainable = False
    return frozen
'''),
    ],
    "build_transfer_model": [
        ("the base is left trainable", '''
def build_transfer_model(base, num_classes):
    inputs = keras.Input(shape=base.input_shape[1:])
    outputs = layers.Dense(num_classes, activation="softmax")(base(inputs))
    return keras.Model(inputs, outputs)
'''),
        ("freezes the whole new model: the head cannot train", '''
def build_transfer_model(base, num_classes):
    inputs = keras.Input(shape=base.input_shape[1:])
    outputs = layers.Dense(num_classes, activation="softmax")(base(inputs, training=False))
    model = keras.Model(inputs, outputs)
    model.trainable = False
    return model
'''),
        ("rebuilds the base with clone_model: its trained weights are lost", '''
def build_transfer_model(base, num_classes):
    copy = keras.models.clone_model(base)
    copy.trainable = False
    inputs = keras.Input(shape=base.input_shape[1:])
    outputs = layers.Dense(num_classes, activation="softmax")(copy(inputs, training=False))
    return keras.Model(inputs, outputs)
'''),
    ],
    "save_and_reload": [
        ("returns the original model instead of the loaded one", '''
def save_and_reload(model, path):
    model.save(path)
    return model
'''),
        ("saves in the legacy HDF5 format beside the path", '''
def save_and_reload(model, path):
    h5_path = path[:-len(".keras")] + ".h5"
    model.save(h5_path)
    return keras.models.load_model(h5_path)
'''),
        ("rebuilds the model from its config: the weights are lost", '''
def save_and_reload(model, path):
    model.save(path)
    return model.__class__.from_config(model.get_config())
'''),
    ],
}
