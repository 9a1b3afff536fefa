"""Names the thread it runs on."""
import threading


def handler(event, context):
    return threading.current_thread().name
