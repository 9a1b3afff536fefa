"""Imports a package that is not deployed with it."""
import does_not_exist_anywhere  # noqa: F401


def handler(event, context):
    return "never"
