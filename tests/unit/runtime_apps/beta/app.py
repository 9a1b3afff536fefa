"""Function "beta": module-level state plus a helper module named like alpha's."""
import time

import utils

TOKEN = utils.new_token()
CALLS = 0


def handler(event, context):
    global CALLS
    CALLS += 1
    if event.get("sleep"):
        time.sleep(event["sleep"])
    import lazy_helper  # imported at call time, not at INIT

    return {
        "app": utils.NAME,
        "lazy": lazy_helper.NAME,
        "calls": CALLS,
        "utils_calls": utils.bump(),
        "token": TOKEN,
        "app_file": __file__,
        "utils_file": utils.__file__,
    }
