"""Local serverless emulator and contract testing kit.

Runs a SAM/CloudFormation application - API Gateway (REST and HTTP APIs), Lambda and the
AWS services moto emulates - in one Python process, from the same ``template.yaml`` and
OpenAPI definitions that ``sam deploy`` uses.
"""

__version__ = "0.1.0"
