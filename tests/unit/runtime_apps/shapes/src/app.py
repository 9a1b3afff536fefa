"""Handler "src/app.handler": a module inside a directory without __init__.py."""


def handler(event, context):
    return {"module": __name__}
