"""Does its work on a thread pool, as handlers fanning out S3 calls do."""
import os
from concurrent.futures import ThreadPoolExecutor

_pool = ThreadPoolExecutor(max_workers=2)


def _load_at_init():
    import init_helper  # a local module imported by another thread during INIT

    return init_helper.NAME


INIT_NAME = _pool.submit(_load_at_init).result(timeout=5)


def _work():
    import lazy_worker_helper

    print("from a worker thread")
    return [os.environ.get("TABLE_NAME"), lazy_worker_helper.NAME]


def handler(event, context):
    return {"thread": _pool.submit(_work).result(), "init": INIT_NAME}
