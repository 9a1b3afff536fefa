"""Placeholder: no validation policy yet (being implemented)."""

from __future__ import annotations

from emulator.policy.pipeline import PolicyContext, PolicyStep
from emulator.spec import ApiModel


def build_validation_step(api: ApiModel, context: PolicyContext) -> PolicyStep | None:
    return None
