"""Uses a module from its layer, and its own copy of a module the layer also ships."""
import common
import layer_lib


def handler(event, context):
    return {"layer": layer_lib.NAME, "common": common.ORIGIN}
