"""Writes to stdout, stderr, the root logger and a named logger."""
import logging
import sys

print("init says hello")
logger = logging.getLogger("printer_app")
logger.setLevel(logging.INFO)


def handler(event, context):
    print("hello from print")
    sys.stderr.write("to stderr\n")
    logging.warning("root warning %s", 42)
    logger.info("named info")
    logging.basicConfig(level=logging.DEBUG)  # a no-op in Lambda: the root has a handler
    context.log("via context.log\n")
    return "ok"
