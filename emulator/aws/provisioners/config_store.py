"""Secrets Manager secrets and SSM parameters: configuration a function reads at run time.

Copies https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-secretsmanager-secret.html
(``Ref`` = the secret's ARN; ``GenerateSecretString`` generates the value with the same
options as ``GetRandomPassword``, merged into ``SecretStringTemplate`` under
``GenerateStringKey`` when both are given; neither ``SecretString`` nor
``GenerateSecretString`` creates a secret without a value) and
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-parameter.html
(``Ref`` = the parameter name; ``Fn::GetAtt`` ``Type`` and ``Value``).

An existing secret is reused as it is, so a restart does not regenerate its value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from emulator.aws.provisioners.base import Context, existing, require, result
from emulator.aws.shapes import PropertyError, api_params, tag_list, tag_map, to_text
from emulator.stack import PhysicalResource
from emulator.template import Resource

logger = logging.getLogger(__name__)

_GENERATE_ONLY = ("SecretStringTemplate", "GenerateStringKey")


def provision_secret(ctx: Context, resource: Resource,
                     properties: Mapping[str, Any]) -> PhysicalResource:
    secrets = ctx.client("secretsmanager")
    # The default physical id is an ARN with the random suffix Secrets Manager adds.
    name = ctx.name(resource, properties, "Name", max_length=512,
                    allowed=r"A-Za-z0-9/_+=.@-",
                    fallback=f"{ctx.template.stack_name}-{resource.logical_id}")
    found = existing(lambda: secrets.describe_secret(SecretId=name),
                     "ResourceNotFoundException")
    if found is not None:
        logger.debug("secret %s exists; reused", name)
        arn = str(found["ARN"])
    else:
        params: dict[str, Any] = {"Name": name}
        for key in ("Description", "KmsKeyId"):
            if properties.get(key) is not None:
                params[key] = str(properties[key])
        tags = tag_list(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        value = _secret_value(secrets, properties)
        if value is not None:
            params["SecretString"] = value
        arn = str(secrets.create_secret(**params)["ARN"])
    return result(resource, arn, {"Id": arn})


def _secret_value(secrets: Any, properties: Mapping[str, Any]) -> str | None:
    if properties.get("SecretString") is not None:
        if properties.get("GenerateSecretString") is not None:
            raise PropertyError("SecretString and GenerateSecretString are mutually exclusive")
        return to_text(properties["SecretString"])
    options = properties.get("GenerateSecretString")
    if options is None:
        return None
    if not isinstance(options, Mapping):
        raise PropertyError("GenerateSecretString must be an object")
    password = str(secrets.get_random_password(
        **api_params(secrets, "GetRandomPassword", options, exclude=_GENERATE_ONLY)
    )["RandomPassword"])
    template, key = options.get("SecretStringTemplate"), options.get("GenerateStringKey")
    if template is None and key is None:
        return password
    if template is None or key is None:
        raise PropertyError("GenerateSecretString needs both SecretStringTemplate and "
                            "GenerateStringKey, or neither")
    try:
        document = json.loads(template) if isinstance(template, str) else dict(template)
    except json.JSONDecodeError as exc:
        raise PropertyError(f"SecretStringTemplate is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise PropertyError("SecretStringTemplate must be a JSON object")
    document[str(key)] = password
    return json.dumps(document)


def provision_parameter(ctx: Context, resource: Resource,
                        properties: Mapping[str, Any]) -> PhysicalResource:
    ssm = ctx.client("ssm")
    name = ctx.name(resource, properties, "Name", max_length=2048,
                    allowed=r"A-Za-z0-9/_.-")
    kind = str(require(properties, "Type"))
    raw = require(properties, "Value")
    value = ",".join(str(item) for item in raw) if isinstance(raw, list) else to_text(raw)
    found = existing(lambda: ssm.get_parameter(Name=name)["Parameter"], "ParameterNotFound")
    if found is None:
        params = api_params(ssm, "PutParameter", properties, exclude=("Name", "Value", "Tags"))
        params.update(Name=name, Value=value, Type=kind)
        tags = tag_list(tag_map(properties.get("Tags")))
        if tags:
            params["Tags"] = tags
        ssm.put_parameter(**params)
    elif found.get("Value") != value:
        # A template edit between two runs: the template wins, as an update would.
        ssm.put_parameter(Name=name, Value=value, Type=kind, Overwrite=True)
    return result(resource, name, {"Type": kind, "Value": value})
