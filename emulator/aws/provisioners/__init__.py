"""Provisioners: one function per CloudFormation resource type the emulator creates on moto.

Each takes the provisioning context, the resource and its resolved properties, creates (or
finds, on a restart) the resource on moto and returns the
:class:`~emulator.stack.PhysicalResource` whose ``physical_id`` is what ``Ref`` returns and
whose ``attributes`` are what ``Fn::GetAtt`` returns, per each type's "Return values" in
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from emulator.aws.provisioners import cognito, config_store, dynamodb, events_logs, messaging, s3
from emulator.aws.provisioners.apigateway import APIGATEWAY_PROVISIONERS
from emulator.aws.provisioners.base import Context, Provisioner

PROVISIONERS: Mapping[str, Provisioner] = MappingProxyType({
    "AWS::DynamoDB::Table": dynamodb.provision_table,
    "AWS::S3::Bucket": s3.provision_bucket,
    "AWS::S3::BucketPolicy": s3.provision_bucket_policy,
    "AWS::SQS::Queue": messaging.provision_queue,
    "AWS::SQS::QueuePolicy": messaging.provision_queue_policy,
    "AWS::SNS::Topic": messaging.provision_topic,
    "AWS::SNS::Subscription": messaging.provision_subscription,
    "AWS::SNS::TopicPolicy": messaging.provision_topic_policy,
    "AWS::Cognito::UserPool": cognito.provision_user_pool,
    "AWS::Cognito::UserPoolClient": cognito.provision_user_pool_client,
    "AWS::Cognito::UserPoolGroup": cognito.provision_user_pool_group,
    "AWS::Cognito::UserPoolDomain": cognito.provision_user_pool_domain,
    "AWS::SecretsManager::Secret": config_store.provision_secret,
    "AWS::SSM::Parameter": config_store.provision_parameter,
    "AWS::Events::EventBus": events_logs.provision_event_bus,
    "AWS::Events::Rule": events_logs.provision_rule,
    "AWS::Logs::LogGroup": events_logs.provision_log_group,
    **APIGATEWAY_PROVISIONERS,
})

__all__ = ["PROVISIONERS", "Context", "Provisioner"]
