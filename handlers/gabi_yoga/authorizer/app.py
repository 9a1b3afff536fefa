"""JWT TOKEN authorizer: verifies the bearer access token and passes userId and role on.

A Lambda TOKEN authorizer gets ``authorizationToken`` and ``methodArn`` and returns a
principal, an IAM policy and a ``context`` map
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
Raising ``Exception("Unauthorized")`` makes API Gateway answer 401. The policy allows the
whole stage (``.../<stage>/*/*``) so a cached answer is valid for every route; role checks
are the functions' (admin routes answer 403 for members).
"""

from __future__ import annotations

from typing import Any

from lambda_common.logs import get_logger
from lambda_common.principal import verify_access_token
from lambda_common.tokens import InvalidToken, bearer

logger = get_logger(__name__)


def _stage_wildcard(method_arn: str) -> str:
    # arn:aws:execute-api:region:account:apiId/stage/METHOD/path -> .../apiId/stage/*/*
    prefix, _, path = method_arn.partition(":execute-api:")
    parts = path.split("/")
    return f"{prefix}:execute-api:{'/'.join(parts[:2])}/*/*"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    token = bearer(event.get("authorizationToken"))
    if token is None:
        raise Exception("Unauthorized")  # noqa: TRY002 - API Gateway's contract: 401
    try:
        claims = verify_access_token(token)
    except InvalidToken as exc:
        logger.info("token refused", reason=str(exc))
        raise Exception("Unauthorized") from exc  # noqa: TRY002
    user_id, role = str(claims["sub"]), str(claims.get("role") or "member")
    return {
        "principalId": user_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                           "Resource": _stage_wildcard(str(event.get("methodArn", "")))}],
        },
        "context": {"userId": user_id, "role": role},
    }
