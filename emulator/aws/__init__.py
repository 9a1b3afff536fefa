"""The AWS side of the emulator: moto lifecycle, template provisioning, the stack record.

Copies what a deployed SAM application has around its functions: the services it
provisioned (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html)
reachable through the SDK and through an endpoint URL, and a CloudFormation stack
describing it. ``AwsEnvironment`` runs moto, ``provision`` creates a template's resources on
it, ``register_stack`` records the finished stack in moto's CloudFormation.
"""

from __future__ import annotations

from emulator.aws.lifecycle import AwsEndpointError, AwsEnvironment
from emulator.aws.provisioning import provision, provisioned_types
from emulator.aws.stacks import StackRegistrationError, register_stack

__all__ = [
    "AwsEndpointError",
    "AwsEnvironment",
    "StackRegistrationError",
    "provision",
    "provisioned_types",
    "register_stack",
]
