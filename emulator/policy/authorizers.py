"""Placeholder: no authorizers policy yet (being implemented)."""

from __future__ import annotations

from emulator.policy.pipeline import PolicyContext, PolicyStep
from emulator.spec import ApiModel


def build_authorizer_step(api: ApiModel, context: PolicyContext) -> PolicyStep | None:
    return None
