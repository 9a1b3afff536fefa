"""Reads a variable the template does not set, at import time."""
import os

TABLE = os.environ["MISSING_VARIABLE"]


def handler(event, context):
    return TABLE
