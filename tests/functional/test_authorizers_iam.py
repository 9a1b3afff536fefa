"""IAM authorization (SAM ``AWS_IAM``): SigV4 signatures, the signer's policies, the event.

Requests are signed with botocore's signer, as boto3, the AWS CLI or ``requests-aws4auth``
users sign them, and sent through the in-process gateway.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import botocore.auth
import botocore.session
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator.testing import TEST_ORIGIN, ApiClient, TestEmulator, start_emulator
from tests.apps.auth.support import MovableClock

TEMPLATE = Path(__file__).resolve().parents[1] / "apps" / "iam_auth" / "template.yaml"
ACCOUNT = "123456789012"
HOST = TEST_ORIGIN.split("://", 1)[1]


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="module")
def app(clock: MovableClock) -> Iterator[TestEmulator]:
    with start_emulator(TEMPLATE, clock=clock) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _reset_clock(clock: MovableClock) -> Iterator[None]:
    yield
    clock.reset()


@pytest.fixture(scope="module")
def rest(app: TestEmulator) -> ApiClient:
    return app.client("IamRestApi")


@pytest.fixture(scope="module")
def http(app: TestEmulator) -> ApiClient:
    return app.client("IamHttpApi")


def _own_credentials() -> Credentials:
    """What boto3 would sign with in this process (the emulator's root credentials)."""
    credentials = botocore.session.get_session().get_credentials()
    assert credentials is not None
    frozen = credentials.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def send(client: ApiClient, method: str, path: str, *, credentials: Credentials | None = None,
         body: bytes = b"", sent_body: bytes | None = None, region: str = "us-east-1",
         presign_s: int | None = None, headers: dict[str, str] | None = None) -> Any:
    """Sign ``method path`` (path relative to the stage) and send it; ``sent_body`` replaces
    the body after signing."""
    full = client.stage_prefix + path
    request = AWSRequest(method=method, url=f"{TEST_ORIGIN}{full}", data=body,
                         headers={"Host": HOST, **(headers or {})})
    signer = (SigV4Auth(credentials or _own_credentials(), "execute-api", region)
              if presign_s is None else
              SigV4QueryAuth(credentials or _own_credentials(), "execute-api", region,
                             expires=presign_s))
    signer.add_auth(request)
    sent_path, _, query = request.url.split(HOST, 1)[1].partition("?")
    return client.request(method, sent_path, stage_relative=False, query=query or None,
                          data=body if sent_body is None else sent_body,
                          headers=[(k, v) for k, v in request.headers.items() if k != "Host"])


def event_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["event"]  # type: ignore[no-any-return]


def _rejected(response: Any, error_type: str, message: str) -> None:
    assert response.status_code == 403, response.get_data(as_text=True)
    assert response.headers["x-amzn-ErrorType"] == error_type
    assert message in response.get_json()["message"]


def _iam_user(app: TestEmulator, name: str, *statements: dict[str, Any]) -> Credentials:
    iam = app.aws.client("iam")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="invoke", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": list(statements)}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"])


def _allow(resource: str, effect: str = "Allow") -> dict[str, Any]:
    return {"Effect": effect, "Action": "execute-api:Invoke", "Resource": resource}


# -- REST API ------------------------------------------------------------------------------

def test_an_unsigned_request_is_a_missing_authentication_token(rest: ApiClient) -> None:
    response = rest.get("/items/1")
    _rejected(response, "MissingAuthenticationTokenException", "Missing Authentication Token")
    assert response.headers["X-Emulator-Layer"] == "authorizer"


def test_a_route_with_authorizer_none_stays_open(rest: ApiClient) -> None:
    assert rest.get("/open").status_code == 200


def test_the_process_credentials_sign_as_the_accounts_root_user(rest: ApiClient) -> None:
    own = _own_credentials()
    identity = event_of(send(rest, "GET", "/items/1?q=a%20b&q=c"))["requestContext"]["identity"]
    assert identity["accessKey"] == own.access_key
    assert identity["accountId"] == ACCOUNT
    assert identity["caller"] == identity["user"] == ACCOUNT
    assert identity["userArn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_a_signed_body_reaches_the_handler_and_a_swapped_one_is_refused(
        rest: ApiClient) -> None:
    body = b'{"name": "mat"}'
    assert event_of(send(rest, "POST", "/items/1", body=body,
                         headers={"Content-Type": "application/json"}))["body"] == body.decode()
    response = send(rest, "POST", "/items/1", body=body, sent_body=b'{"name": "MAT"}',
                    headers={"Content-Type": "application/json"})
    _rejected(response, "InvalidSignatureException",
              "The request signature we calculated does not match the signature you provided.")
    assert "The Canonical String for this request should have been" in \
        response.get_json()["message"]


def test_the_stage_root_verifies_with_or_without_its_trailing_slash(rest: ApiClient) -> None:
    assert event_of(send(rest, "GET", "/"))["path"] == "/"
    request = AWSRequest(method="GET", url=f"{TEST_ORIGIN}/Prod", headers={"Host": HOST})
    SigV4Auth(_own_credentials(), "execute-api", "us-east-1").add_auth(request)
    response = rest.request("GET", "/Prod", stage_relative=False,
                            headers=[(k, v) for k, v in request.headers.items() if k != "Host"])
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_wrong_secret_an_unknown_key_and_a_bearer_token_are_refused(rest: ApiClient) -> None:
    own = _own_credentials()
    _rejected(send(rest, "GET", "/items/1", credentials=Credentials(own.access_key, "wrong")),
              "InvalidSignatureException", "does not match")
    _rejected(send(rest, "GET", "/items/1", credentials=Credentials("AKIAUNKNOWN000000000",
                                                                     "secret")),
              "UnrecognizedClientException",
              "The security token included in the request is invalid.")
    _rejected(rest.get("/items/1", headers={"Authorization": "Bearer token"}),
              "IncompleteSignatureException", "Invalid key=value pair")


def test_a_signature_for_another_region_or_from_ten_minutes_ago_is_refused(
        rest: ApiClient, clock: MovableClock) -> None:
    _rejected(send(rest, "GET", "/items/1", region="eu-west-1"), "InvalidSignatureException",
              "Credential should be scoped to a valid region.")
    clock.advance(600)  # signed now, checked ten minutes later
    _rejected(send(rest, "GET", "/items/1"), "InvalidSignatureException", "Signature expired")


def test_a_presigned_url_works_until_it_expires(rest: ApiClient, clock: MovableClock) -> None:
    assert send(rest, "GET", "/items/7", presign_s=60).status_code == 200
    clock.advance(120)
    _rejected(send(rest, "GET", "/items/7", presign_s=60), "InvalidSignatureException",
              "Signature expired")


def test_an_iam_users_policy_decides_which_methods_it_may_invoke(
        app: TestEmulator, rest: ApiClient) -> None:
    api_id = app.gateways["IamRestApi"].api.config.api_id
    prefix = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api_id}/Prod"
    alice = _iam_user(app, "alice", _allow(f"{prefix}/GET/items/*"),
                      _allow(f"{prefix}/*/items/13", effect="Deny"))
    identity = event_of(send(rest, "GET", "/items/1", credentials=alice))["requestContext"][
        "identity"]
    assert identity["userArn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert identity["accessKey"] == alice.access_key
    assert identity["caller"] == identity["user"] != ACCOUNT

    response = send(rest, "DELETE", "/items/1", credentials=alice)
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert response.get_json() == {"Message": (
        f"User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: "
        f"execute-api:Invoke on resource: {prefix}/DELETE/items/1")}
    denied = send(rest, "GET", "/items/13", credentials=alice).get_json()["Message"]
    assert denied.endswith("with an explicit deny")


def test_a_user_without_policies_or_with_an_inactive_key_gets_nothing(
        app: TestEmulator, rest: ApiClient) -> None:
    bob = _iam_user(app, "bob")
    assert send(rest, "GET", "/items/1", credentials=bob).status_code == 403
    carol = _iam_user(app, "carol", _allow("*"))
    assert send(rest, "GET", "/items/1", credentials=carol).status_code == 200
    app.aws.client("iam").update_access_key(UserName="carol", AccessKeyId=carol.access_key,
                                            Status="Inactive")
    _rejected(send(rest, "GET", "/items/1", credentials=carol), "UnrecognizedClientException",
              "security token included in the request is invalid")


def test_assumed_role_credentials_need_their_session_token_and_expire(
        app: TestEmulator, rest: ApiClient, clock: MovableClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    iam = app.aws.client("iam")
    role_arn = iam.create_role(RoleName="caller", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": ACCOUNT}}]}))["Role"]["Arn"]
    iam.put_role_policy(RoleName="caller", PolicyName="invoke",
                        PolicyDocument=json.dumps({"Version": "2012-10-17",
                                                   "Statement": [_allow("*")]}))
    granted = app.aws.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="ci",
                                                DurationSeconds=900)["Credentials"]
    session = Credentials(granted["AccessKeyId"], granted["SecretAccessKey"],
                          granted["SessionToken"])
    identity = event_of(send(rest, "GET", "/items/1", credentials=session))["requestContext"][
        "identity"]
    assert identity["userArn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/caller/ci"
    assert identity["caller"].endswith(":ci")

    without_token = Credentials(session.access_key, session.secret_key)
    _rejected(send(rest, "GET", "/items/1", credentials=without_token),
              "UnrecognizedClientException", "security token included in the request is invalid")
    clock.advance(1000)  # past the session's 900 s, with a signature made at that time
    signed_at = botocore.auth.get_current_datetime() + timedelta(seconds=1000)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: signed_at)
    _rejected(send(rest, "GET", "/items/1", credentials=session), "ExpiredTokenException",
              "The security token included in the request is expired")


# -- HTTP API ------------------------------------------------------------------------------

def test_http_api_answers_forbidden_without_a_signature(http: ApiClient) -> None:
    response = http.get("/items/1")
    assert (response.status_code, response.get_json()) == (403, {"message": "Forbidden"})


def test_http_api_payload_2_gets_the_caller_in_authorizer_iam(http: ApiClient) -> None:
    own = _own_credentials()
    context = event_of(send(http, "PUT", "/items/1", body=b"x"))["requestContext"]
    assert context["authorizer"] == {"iam": {
        "accessKey": own.access_key, "accountId": ACCOUNT, "callerId": ACCOUNT,
        "cognitoIdentity": None, "principalOrgId": None,
        "userArn": f"arn:aws:iam::{ACCOUNT}:root", "userId": ACCOUNT}}


def test_http_api_payload_1_gets_the_caller_in_identity(http: ApiClient) -> None:
    identity = event_of(send(http, "GET", "/v1/items"))["requestContext"]["identity"]
    assert identity["userArn"] == f"arn:aws:iam::{ACCOUNT}:root"
    assert identity["accountId"] == ACCOUNT


def test_http_api_signature_errors_keep_their_message(http: ApiClient) -> None:
    response = send(http, "GET", "/items/1",
                    credentials=Credentials(_own_credentials().access_key, "wrong"))
    assert response.status_code == 403
    assert "does not match" in response.get_json()["message"]
