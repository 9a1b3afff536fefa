"""Fails in the ways a handler can fail."""
import sys


class PaymentDeclined(Exception):
    pass


def _explode():
    raise ValueError("boom")


def handler(event, context):
    kind = event.get("kind")
    if kind == "custom":
        raise PaymentDeclined("card declined")
    if kind == "exit":
        sys.exit(3)
    return _explode()
