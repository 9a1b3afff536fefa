"""Seed data: fill the provisioned tables, buckets and user pools from a folder.

Layout of a seed folder (each part optional; a resource is named by its logical id in the
template or by its physical name; a logical id not in the seeded stack may name a resource
of one of its nested stacks, when only one has it)::

    dynamodb/<Table>.json|.yaml     a list of items in plain JSON (numbers become Number)
    s3/<Bucket>/<key ...>           files uploaded as objects, Content-Type from the name
    cognito/<UserPool>.json|.yaml   a list of {username, password, attributes, groups}

Seeding is idempotent: items and objects are overwritten, existing users are kept. Users
are created confirmed with a permanent password, as ``AdminSetUserPassword`` with
``Permanent=True`` does (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html).
"""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from emulator.aws import AwsEnvironment
from emulator.errors import EmulatorError
from emulator.stack import PhysicalResource, Stack

logger = logging.getLogger(__name__)


class SeedError(EmulatorError):
    """A seed file that names no resource of the stack or holds invalid data."""


def seed_directory(folder: Path, stack: Stack, aws: AwsEnvironment) -> dict[str, int]:
    """Load every seed file under ``folder``; return counts per kind."""
    if not folder.is_dir():
        raise SeedError(f"seed folder {folder} does not exist")
    counts = {"items": 0, "objects": 0, "users": 0}
    for path in _data_files(folder / "dynamodb"):
        table = _resource(stack, path.stem, "AWS::DynamoDB::Table", path)
        counts["items"] += _seed_table(aws, table.physical_id, _load_list(path))
    bucket_root = folder / "s3"
    if bucket_root.is_dir():
        for bucket_dir in sorted(p for p in bucket_root.iterdir() if p.is_dir()):
            bucket = _resource(stack, bucket_dir.name, "AWS::S3::Bucket", bucket_dir)
            counts["objects"] += _seed_bucket(aws, bucket.physical_id, bucket_dir)
    for path in _data_files(folder / "cognito"):
        pool = _resource(stack, path.stem, "AWS::Cognito::UserPool", path)
        counts["users"] += _seed_users(aws, pool.physical_id, _load_list(path), path)
    logger.info("seeded from %s: %d items, %d objects, %d users", folder, counts["items"],
                counts["objects"], counts["users"])
    return counts


def _data_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".json", ".yaml", ".yml"))


def _resource(stack: Stack, name: str, resource_type: str, path: Path) -> PhysicalResource:
    found = [(nested.path, resource) for nested in stack.walk()
             for resource in nested.resources.values()
             if resource.type == resource_type and name in (resource.logical_id,
                                                            resource.physical_id)]
    own = [resource for stack_path, resource in found if stack_path == stack.path]
    if own:
        return own[0]
    if len(found) == 1:
        return found[0][1]
    if found:
        where = ", ".join(f"{stack_path}/{resource.logical_id}" for stack_path, resource in found)
        raise SeedError(f"{path}: several nested stacks have {resource_type} {name!r} "
                        f"({where}); use its physical name")
    raise SeedError(f"{path}: no {resource_type} named {name!r} in stack {stack.name}")


def _load_list(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: {exc}") from exc
    if not isinstance(data, list):
        raise SeedError(f"{path}: expected a list at the top level")
    return data


def _to_dynamodb(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, list):
        return [_to_dynamodb(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_dynamodb(v) for k, v in value.items()}
    return value


def _seed_table(aws: AwsEnvironment, table_name: str, items: list[Any]) -> int:
    table = aws.resource("dynamodb").Table(table_name)
    with table.batch_writer() as batch:
        for item in items:
            batch.put_item(Item=_to_dynamodb(item))
    return len(items)


def _seed_bucket(aws: AwsEnvironment, bucket: str, folder: Path) -> int:
    s3 = aws.client("s3")
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        key = path.relative_to(folder).as_posix()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type)
        count += 1
    return count


def _seed_users(aws: AwsEnvironment, pool_id: str, users: list[Any], path: Path) -> int:
    cognito = aws.client("cognito-idp")
    count = 0
    for user in users:
        if not isinstance(user, Mapping) or "username" not in user or "password" not in user:
            raise SeedError(f"{path}: every user needs a username and a password")
        username = str(user["username"])
        attributes = [{"Name": k, "Value": str(v)}
                      for k, v in dict(user.get("attributes") or {}).items()]
        try:
            cognito.admin_get_user(UserPoolId=pool_id, Username=username)
        except cognito.exceptions.UserNotFoundException:
            cognito.admin_create_user(UserPoolId=pool_id, Username=username,
                                      UserAttributes=attributes, MessageAction="SUPPRESS")
            count += 1
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username,
                                        Password=str(user["password"]), Permanent=True)
        for group in user.get("groups") or []:
            _ensure_group(cognito, pool_id, str(group))
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username,
                                            GroupName=str(group))
    return count


def _ensure_group(cognito: Any, pool_id: str, group: str) -> None:
    try:
        cognito.get_group(GroupName=group, UserPoolId=pool_id)
    except cognito.exceptions.ResourceNotFoundException:
        cognito.create_group(GroupName=group, UserPoolId=pool_id)
