"""The contract testing kit: schemathesis against the emulator in-process, response
validation while serving, and the breaking-change gate between two versions of a spec.

API Gateway publishes an API from an OpenAPI definition
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api.html);
this package checks that the deployed behaviour and later versions keep that contract.
"""

from __future__ import annotations

#: schemathesis phases, in the order they run.
PHASES = ("examples", "coverage", "fuzzing", "stateful")
#: Examples per operation and phase; measured to keep each system's run near a minute.
DEFAULT_MAX_EXAMPLES = 25
