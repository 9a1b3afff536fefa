"""The contract testing kit: schemathesis against the emulator in-process, response
validation while serving, and the breaking-change gate between two versions of a spec.

API Gateway publishes an API from an OpenAPI definition
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api.html);
this package checks that the deployed behaviour and later versions keep that contract.
"""
