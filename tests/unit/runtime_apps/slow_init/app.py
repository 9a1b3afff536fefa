"""Spends 0.3 s in INIT (module import), e.g. building SDK clients."""
import time

time.sleep(0.3)


def handler(event, context):
    return "ready"
