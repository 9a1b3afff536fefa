"""Handler "pkg.mod.handler": a module of a regular package, with a relative import."""
from . import helper


def handler(event, context):
    from .helper import WORD  # relative import at call time

    return {"module": __name__, "package": __package__, "word": helper.WORD + "/" + WORD}
