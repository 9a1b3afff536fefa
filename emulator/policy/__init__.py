"""API Gateway request policies applied between routing and the integration.

Each module copies one API Gateway feature; this package's own contents are just the CORS
rule model (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html),
re-exported for the spec parser and the gateway.
"""

from __future__ import annotations

from emulator.policy.cors import CorsRule, apply_cors, cors_rule_from_config, preflight_response

__all__ = ["CorsRule", "apply_cors", "cors_rule_from_config", "preflight_response"]
