"""Sleeps as long as the event asks, in short steps (so a timeout can stop it)."""
import time

STEPS = 0


def handler(event, context):
    global STEPS
    print("going to sleep")
    deadline = time.monotonic() + event.get("sleep", 0)
    while time.monotonic() < deadline:
        STEPS += 1
        time.sleep(0.01)
    print("woke up")
    return {"slept": event.get("sleep", 0)}
