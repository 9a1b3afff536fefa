"""A helper shipped in a Lambda layer (python/ on the import path)."""

LAYER_MARKER = "shared-layer"


def shout(text):
    return text.upper() + "!"
