"""The shared Lambda layer: HTTP responses and errors, validation, JWT, passwords, AWS helpers.

Deployed as an ``AWS::Serverless::LayerVersion`` with ``BuildMethod: python3.11``: ``sam build``
copies this folder into the layer's ``python/`` and installs ``requirements.txt``
(https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html), so handlers
``import lambda_common``. Modules import each other relatively so the package also loads as
``handlers.common.lambda_common`` in tests and tools.
"""

from __future__ import annotations

import time

#: When the layer was first imported in this execution environment: the start of the
#: init-duration measure (coldstart.py). Here, because every lambda_common module imports
#: this package first.
IMPORTED_AT = time.perf_counter()
