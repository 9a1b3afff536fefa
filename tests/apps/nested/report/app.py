import os


def handler(event, context):
    return {name: os.environ[name]
            for name in ("CHILD_A_URL", "CHILD_A_STACK_ID", "GRANDCHILD_ECHO")}
