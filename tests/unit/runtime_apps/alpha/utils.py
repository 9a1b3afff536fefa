"""Helper of function "alpha"."""
import uuid

NAME = "alpha"
_COUNT = 0


def new_token():
    return f"{NAME}-{uuid.uuid4().hex}"


def bump():
    global _COUNT
    _COUNT += 1
    return _COUNT
