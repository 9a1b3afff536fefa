"""Reports what it finds on the context object."""


def handler(event, context):
    first = context.get_remaining_time_in_millis()
    second = context.get_remaining_time_in_millis()
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "identity": [context.identity.cognito_identity_id,
                     context.identity.cognito_identity_pool_id],
        "client_context": context.client_context,
        "remaining": [first, second],
    }
