"""Each function's role allows what its code uses and nothing more (read from the built template)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.package.conftest import Package

LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
EXPECTED_ACTIONS = {
    "APIHandler": LOGS
    | {"ssm:GetParameter", "sqs:SendMessage", "s3:GetObject", "s3:ListBucket"}
    | {"kms:GenerateDataKey"},
    "ExportWorker": LOGS
    | {"ssm:GetParameter", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}
    | {"sqs:GetQueueAttributes", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"},
    "ExportDeadLetters": LOGS
    | {"ssm:GetParameter", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
    "ExportRequeue": LOGS
    | {"ssm:GetParameter", "sqs:SendMessage", "s3:ListBucketMultipartUploads", "s3:AbortMultipartUpload"},
    "Migrate": LOGS | {"ssm:GetParameter"},
    "FeedsRefresh": LOGS | {"ssm:GetParameter", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"},
}
LOG_GROUPS = {
    "APIHandler": "ApiHandlerLogGroup",
    "ExportWorker": "ExportWorkerLogGroup",
    "ExportDeadLetters": "ExportDeadLettersLogGroup",
    "ExportRequeue": "ExportRequeueLogGroup",
    "Migrate": "MigrateLogGroup",
    "FeedsRefresh": "FeedsRefreshLogGroup",
}
# Only the functions that read Open Event Server's data may read its database URL; migrate needs
# only the mode, which the parameter's name tells (chalicelib.settings).
SECRET_PARAMETERS = {
    "APIHandler": {
        "DatabaseUrlParameter",
        "OpenEventDatabaseUrlParameter",
        "JwtSecretParameter",
        "StripeSecretKeyParameter",
    },
    "ExportWorker": {"DatabaseUrlParameter", "OpenEventDatabaseUrlParameter"},
    "ExportDeadLetters": {"DatabaseUrlParameter"},
    "ExportRequeue": {"DatabaseUrlParameter"},
    "Migrate": {"DatabaseUrlParameter"},
    "FeedsRefresh": {"DatabaseUrlParameter", "OpenEventDatabaseUrlParameter"},
}


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def resources(statement: dict[str, Any]) -> list[Any]:
    """The statement's resources, a conditional one as granted when its condition holds."""
    resource = statement["Resource"]
    listed = resource if isinstance(resource, list) else [resource]
    return [item["Fn::If"][1] if "Fn::If" in item else item for item in listed]


def conditional_resources(package: Package, function: str) -> list[Any]:
    return [
        resource["Fn::If"]
        for statement in package.role_statements(function)
        for resource in (statement["Resource"] if isinstance(statement["Resource"], list) else [])
        if "Fn::If" in resource
    ]


def allowed(package: Package, function: str, service: str) -> list[Any]:
    """Every resource on which ``function`` may use some action of ``service``."""
    return [
        resource
        for statement in package.role_statements(function)
        if any(action.startswith(f"{service}:") for action in actions(statement))
        for resource in resources(statement)
    ]


def test_every_function_has_a_role_of_its_own(package: Package) -> None:
    roles = [package.properties(function)["Role"]["Fn::GetAtt"][0] for function in EXPECTED_ACTIONS]

    assert len(set(roles)) == len(roles)


@pytest.mark.parametrize("function", EXPECTED_ACTIONS)
def test_role_allows_exactly_what_the_function_uses(package: Package, function: str) -> None:
    granted = {action for statement in package.role_statements(function) for action in actions(statement)}

    assert granted == EXPECTED_ACTIONS[function]


@pytest.mark.parametrize("function", EXPECTED_ACTIONS)
def test_role_grants_no_wildcard_action_and_only_resources_of_the_template(package: Package, function: str) -> None:
    for statement in package.role_statements(function):
        assert statement["Effect"] == "Allow"
        assert not any("*" in action for action in actions(statement))
        for resource in resources(statement):
            assert isinstance(resource, dict), f"{function}: {resource!r} is not tied to a template resource"
            text = json.dumps(resource)
            assert "${" in text or "Fn::GetAtt" in text
            assert "*" not in text.replace("/exports/*", "").replace("/feeds/*", "")


@pytest.mark.parametrize(
    ("function", "action"),
    [
        ("APIHandler", "sqs:DeleteMessage"),
        ("APIHandler", "sqs:ReceiveMessage"),
        ("APIHandler", "s3:PutObject"),
        ("APIHandler", "kms:Encrypt"),
        ("APIHandler", "kms:Decrypt"),  # it seals Stripe's tokens, never reads them
        ("ExportWorker", "kms:Decrypt"),
        ("ExportWorker", "kms:Encrypt"),
        ("ExportWorker", "sqs:SendMessage"),
        ("ExportWorker", "s3:GetObject"),
        ("ExportDeadLetters", "sqs:SendMessage"),
        ("ExportDeadLetters", "s3:PutObject"),
        ("ExportDeadLetters", "kms:Decrypt"),
        ("ExportRequeue", "sqs:DeleteMessage"),
        ("ExportRequeue", "sqs:ReceiveMessage"),
        ("ExportRequeue", "s3:GetObject"),
        ("ExportRequeue", "s3:PutObject"),
        ("ExportRequeue", "kms:Decrypt"),
        ("ExportRequeue", "kms:Encrypt"),
        ("Migrate", "sqs:SendMessage"),
        ("Migrate", "s3:GetObject"),
        ("Migrate", "kms:Decrypt"),
    ],
)
def test_role_does_not_allow(package: Package, function: str, action: str) -> None:
    granted = {granted for statement in package.role_statements(function) for granted in actions(statement)}

    assert action not in granted


def test_only_the_http_function_may_use_the_secrets_key(package: Package) -> None:
    assert allowed(package, "APIHandler", "kms") == [{"Fn::GetAtt": ["SecretsKey", "Arn"]}]
    assert all(allowed(package, function, "kms") == [] for function in EXPECTED_ACTIONS if function != "APIHandler")


@pytest.mark.parametrize("function", ["APIHandler", "ExportWorker", "ExportRequeue"])
def test_queue_access_is_limited_to_the_export_queue(package: Package, function: str) -> None:
    assert allowed(package, function, "sqs") == [{"Fn::GetAtt": ["ExportQueue", "Arn"]}]


def test_dead_letter_consumer_reaches_only_the_dead_letter_queue(package: Package) -> None:
    assert allowed(package, "ExportDeadLetters", "sqs") == [{"Fn::GetAtt": ["ExportDeadLetterQueue", "Arn"]}]
    assert allowed(package, "ExportDeadLetters", "s3") == []


def test_relay_may_only_list_and_abort_uploads_under_the_exports_prefix(package: Package) -> None:
    s3 = [
        statement for statement in package.role_statements("ExportRequeue") if actions(statement)[0].startswith("s3:")
    ]

    assert sorted((actions(statement), statement["Resource"]) for statement in s3) == [
        (["s3:AbortMultipartUpload"], {"Fn::Sub": "${ExportBucket.Arn}/exports/*"}),
        (["s3:ListBucketMultipartUploads"], {"Fn::GetAtt": ["ExportBucket", "Arn"]}),
    ]


@pytest.mark.parametrize("function", ["ExportWorker", "ExportRequeue"])
def test_object_access_is_limited_to_the_exports_prefix(package: Package, function: str) -> None:
    objects = [resource for resource in allowed(package, function, "s3") if "Fn::Sub" in resource]

    assert objects == [{"Fn::Sub": "${ExportBucket.Arn}/exports/*"}]


def test_http_function_reads_exports_and_feeds_and_writes_neither(package: Package) -> None:
    objects = [resource for resource in allowed(package, "APIHandler", "s3") if "Fn::Sub" in resource]

    assert objects == [{"Fn::Sub": "${ExportBucket.Arn}/exports/*"}, {"Fn::Sub": "${ExportBucket.Arn}/feeds/*"}]


def test_feeds_refresh_reaches_only_the_feeds_prefix(package: Package) -> None:
    s3 = [statement for statement in package.role_statements("FeedsRefresh") if actions(statement)[0].startswith("s3:")]

    assert [(statement["Resource"], statement.get("Condition")) for statement in s3] == [
        ({"Fn::Sub": "${ExportBucket.Arn}/feeds/*"}, None),
        ({"Fn::GetAtt": ["ExportBucket", "Arn"]}, {"StringLike": {"s3:prefix": "feeds/*"}}),
    ]


@pytest.mark.parametrize("function", SECRET_PARAMETERS)
def test_function_reads_only_its_own_secrets(package: Package, function: str) -> None:
    names = {
        parameter
        for resource in allowed(package, function, "ssm")
        for parameter in SECRET_PARAMETERS["APIHandler"]
        if "${" + parameter + "}" in resource["Fn::Sub"]
    }

    assert names == SECRET_PARAMETERS[function]


@pytest.mark.parametrize("function", EXPECTED_ACTIONS)
def test_function_writes_only_its_own_log_group(package: Package, function: str) -> None:
    (log_group,) = allowed(package, function, "logs")

    assert log_group == {"Fn::GetAtt": [LOG_GROUPS[function], "Arn"]}
    assert package.properties(function)["LoggingConfig"]["LogGroup"] == {"Ref": LOG_GROUPS[function]}


@pytest.mark.parametrize("function", EXPECTED_ACTIONS)
def test_function_joins_the_vpc_only_when_subnets_are_given(package: Package, function: str) -> None:
    role = package.resource(package.properties(function)["Role"]["Fn::GetAtt"][0])

    managed, tracing = role["Properties"]["ManagedPolicyArns"]

    assert package.properties(function)["VpcConfig"]["Fn::If"][0] == "InVpc"
    assert tracing == {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"}  # X-Ray
    assert managed["Fn::If"][0] == "InVpc"
    assert managed["Fn::If"][1]["Fn::Sub"].endswith(":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")


@pytest.mark.parametrize("function", EXPECTED_ACTIONS)
def test_open_event_database_url_is_granted_only_in_open_event_mode(package: Package, function: str) -> None:
    granted = "OpenEventDatabaseUrlParameter" in SECRET_PARAMETERS[function]
    ssm = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${OpenEventDatabaseUrlParameter}"

    conditional = conditional_resources(package, function)

    assert conditional == ([["OpenEventMode", {"Fn::Sub": ssm}, {"Ref": "AWS::NoValue"}]] if granted else [])
    assert package.template["Conditions"]["OpenEventMode"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "OpenEventDatabaseUrlParameter"}, ""]}]
    }
