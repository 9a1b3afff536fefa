"""IAM policy evaluation of the ``policyDocument`` a Lambda authorizer returns.

Copies how API Gateway decides ``execute-api:Invoke`` on the method (REST) or route (HTTP
API) ARN ``arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH``
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html)
with IAM's evaluation logic
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

* An explicit ``Deny`` that matches wins over any ``Allow``; no matching statement is an
  implicit deny.
* ``Action`` / ``NotAction`` match case-insensitively (``execute-api:Invoke``,
  ``execute-api:*``, ``*``); ``Resource`` / ``NotResource`` match case-sensitively.
* ``*`` (any run of characters) and ``?`` (one character) are the only wildcards
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
  They do not cross the colons separating the first five ARN fields; inside the resource
  part (``API_ID/STAGE/METHOD/PATH``) ``*`` spans slashes, so ``.../*/GET/*`` covers every
  GET path. A bare ``*`` matches every resource.
* ``Statement`` may be one object or a list; ``Action`` and ``Resource`` a string or a list.

A document API Gateway cannot read (no statements, an ``Effect`` other than ``Allow`` /
``Deny``, a statement without action or resource) raises :class:`PolicyError`, which the
authorizer turns into the 500 AuthorizerConfigurationException API Gateway answers with
("Could not parse policy"). ``Condition`` blocks are not evaluated: a conditional
``Allow`` never matches and a conditional ``Deny`` always does (the safe reading), with a
warning.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from emulator.errors import EmulatorError

logger = logging.getLogger(__name__)

INVOKE_ACTION = "execute-api:Invoke"
Decision = Literal["allow", "explicit_deny", "implicit_deny"]


class PolicyError(EmulatorError):
    """A policy document API Gateway would refuse to parse."""


@lru_cache(maxsize=2048)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM string matching: ``*`` any run of characters, ``?`` exactly one."""
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a policy ``Resource`` pattern covers ``arn`` (field by field, see module doc)."""
    if pattern == "*":
        return True
    pattern_fields = pattern.split(":", 5)
    arn_fields = arn.split(":", 5)
    if len(pattern_fields) != 6 or len(arn_fields) != 6:
        return False
    return all(wildcard_match(p, a) for p, a in zip(pattern_fields, arn_fields, strict=True))


def method_arn(region: str, account_id: str, api_id: str, stage: str, method: str,
               path: str) -> str:
    """``arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH`` (path without its ``/``)."""
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{method}/{path.lstrip('/')}"


def _strings(value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PolicyError(f"statement {field} must be a string or a non-empty list of strings")


@dataclass(frozen=True)
class Statement:
    """One statement; exactly one of each ``(Not)Action`` / ``(Not)Resource`` pair is set."""

    effect: Literal["Allow", "Deny"]
    actions: tuple[str, ...]
    not_actions: bool
    resources: tuple[str, ...]
    not_resources: bool
    conditional: bool

    def applies(self, action: str, arn: str) -> bool:
        if self.conditional:
            # Conditions are not evaluated: only a Deny may match (never widen access).
            return self.effect == "Deny"
        action_hit = any(wildcard_match(p, action, ignore_case=True) for p in self.actions)
        resource_hit = any(arn_matches(p, arn) for p in self.resources)
        return (action_hit != self.not_actions) and (resource_hit != self.not_resources)


def _statement(raw: Any) -> Statement:
    if not isinstance(raw, Mapping):
        raise PolicyError("each statement must be an object")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"statement Effect must be 'Allow' or 'Deny', got {effect!r}")
    if ("Action" in raw) == ("NotAction" in raw):
        raise PolicyError("a statement needs exactly one of Action / NotAction")
    if ("Resource" in raw) == ("NotResource" in raw):
        raise PolicyError("a statement needs exactly one of Resource / NotResource")
    not_actions = "NotAction" in raw
    not_resources = "NotResource" in raw
    conditional = bool(raw.get("Condition"))
    if conditional:
        logger.warning("authorizer policy statement has a Condition, which the emulator does "
                       "not evaluate: a conditional %s is treated as %s", effect,
                       "never matching" if effect == "Allow" else "always matching")
    return Statement(
        effect=effect,
        actions=_strings(raw["NotAction" if not_actions else "Action"], "Action"),
        not_actions=not_actions,
        resources=_strings(raw["NotResource" if not_resources else "Resource"], "Resource"),
        not_resources=not_resources,
        conditional=conditional,
    )


@dataclass(frozen=True)
class Policy:
    """A parsed policy document: parse once (it may be cached), evaluate per request."""

    statements: tuple[Statement, ...]

    def evaluate(self, arn: str, action: str = INVOKE_ACTION) -> Decision:
        allowed = False
        for statement in self.statements:
            if not statement.applies(action, arn):
                continue
            if statement.effect == "Deny":
                return "explicit_deny"
            allowed = True
        return "allow" if allowed else "implicit_deny"


def parse_policy(document: Any) -> Policy:
    """Parse a ``policyDocument``; :class:`PolicyError` when API Gateway could not."""
    if not isinstance(document, Mapping):
        raise PolicyError("policyDocument must be an object")
    raw = document.get("Statement")
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise PolicyError("policyDocument needs a non-empty Statement")
    return Policy(tuple(_statement(item) for item in raw))
