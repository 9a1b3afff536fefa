"""Helper of function "beta"."""
import uuid

NAME = "beta"
_COUNT = 0


def new_token():
    return f"{NAME}-{uuid.uuid4().hex}"


def bump():
    global _COUNT
    _COUNT += 1
    return _COUNT
