"""The SAM template ``make package`` writes declares everything the code needs, and nothing in clear."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import app
from chalicelib.exports.pipeline import relay
from chalicelib.http import CORS
from tests.conftest import REPO
from tests.package.conftest import Package

CONFIG = json.loads((REPO / ".chalice" / "config.json").read_text())
PROD = CONFIG["stages"]["prod"]
# Chalice's function names in .chalice/config.json, and the template resources they become.
FUNCTIONS = {
    "api_handler": "APIHandler",
    "export_worker": "ExportWorker",
    "export_dead_letters": "ExportDeadLetters",
    "export_requeue": "ExportRequeue",
    "feeds_refresh": "FeedsRefresh",
    "migrate": "Migrate",
}
SECRETS = ("DATABASE_URL", "OPEN_EVENT_DATABASE_URL", "JWT_SECRET", "STRIPE_SECRET_KEY")
# Template parameters whose empty default turns a feature off rather than naming a secret.
OPTIONAL_SECRET_PARAMETERS = {"OpenEventDatabaseUrlParameter"}


def sqs_source(handler: str) -> dict[str, Any]:
    """The queue name and batch size that ``app.py`` gives an ``on_sqs_message`` handler."""
    (source,) = (s for s in app.event_sources if s.handler_string == f"app.{handler}")
    return {"queue": source.queue, "batch_size": source.batch_size}


def test_template_passes_the_cloudformation_linter_with_the_sam_transform(package: Package) -> None:
    linter = [str(Path(sys.executable).parent / "cfn-lint"), "--regions", "us-east-1", "eu-central-1", "--"]

    result = subprocess.run([*linter, str(package.zip_path.parent / "sam.json")], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_runtime_matches_the_pinned_python(package: Package, name: str) -> None:
    major_minor = ".".join((REPO / ".python-version").read_text().strip().split(".")[:2])

    assert package.properties(FUNCTIONS[name])["Runtime"] == f"python{major_minor}"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_timeout_and_memory_come_from_the_chalice_config(package: Package, name: str) -> None:
    settings = PROD["lambda_functions"][name]

    function = package.properties(FUNCTIONS[name])

    assert (function["Timeout"], function["MemorySize"]) == (settings["lambda_timeout"], settings["lambda_memory_size"])


@pytest.mark.parametrize(
    ("queue", "function"), [("ExportQueue", "ExportWorker"), ("ExportDeadLetterQueue", "ExportDeadLetters")]
)
def test_queue_visibility_timeout_is_six_times_its_consumers_timeout(
    package: Package, queue: str, function: str
) -> None:
    consumer_timeout = package.properties(function)["Timeout"]

    visibility = package.resource(queue)["Properties"]["VisibilityTimeout"]

    assert visibility >= 6 * consumer_timeout


def test_queue_sends_a_message_to_the_dead_letter_queue_after_the_last_attempt(package: Package) -> None:
    redrive = package.resource("ExportQueue")["Properties"]["RedrivePolicy"]

    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["ExportDeadLetterQueue", "Arn"]}
    assert redrive["maxReceiveCount"] == int(PROD["environment_variables"]["EXPORT_MAX_ATTEMPTS"])


def test_dead_letter_queue_keeps_messages_for_two_weeks(package: Package) -> None:
    assert package.resource("ExportDeadLetterQueue")["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_worker_consumes_the_export_queue_one_message_at_a_time(package: Package) -> None:
    (event,) = package.properties("ExportWorker")["Events"].values()
    queue_name = package.resource("ExportQueue")["Properties"]["QueueName"]["Fn::Sub"]

    assert event["Type"] == "SQS"
    # Fn::Sub rather than Fn::GetAtt: the merge is per key, and Chalice writes the ARN with Fn::Sub.
    assert event["Properties"]["Queue"] == {"Fn::Sub": "${ExportQueue.Arn}"}
    assert event["Properties"]["BatchSize"] == sqs_source("export_worker")["batch_size"] == 1
    assert queue_name == sqs_source("export_worker")["queue"] + "-${Stage}"


def test_dead_letter_consumer_drains_the_dead_letter_queue(package: Package) -> None:
    (event,) = package.properties("ExportDeadLetters")["Events"].values()
    queue_name = package.resource("ExportDeadLetterQueue")["Properties"]["QueueName"]["Fn::Sub"]

    assert event["Type"] == "SQS"
    assert event["Properties"]["Queue"] == {"Fn::Sub": "${ExportDeadLetterQueue.Arn}"}
    assert event["Properties"]["BatchSize"] == sqs_source("export_dead_letters")["batch_size"]
    assert event["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]  # one bad letter alone
    assert queue_name == sqs_source("export_dead_letters")["queue"] + "-${Stage}"


def test_relay_runs_on_the_apps_schedule(package: Package) -> None:
    (source,) = (s for s in app.event_sources if s.name == "export_requeue")

    (event,) = package.properties("ExportRequeue")["Events"].values()

    assert event == {"Type": "Schedule", "Properties": {"Schedule": source.schedule_expression.to_string()}}
    assert event["Properties"]["Schedule"] == "rate(1 minute)"


def test_relay_sends_to_the_export_queue_and_cleans_the_export_bucket(package: Package) -> None:
    variables = package.properties("ExportRequeue")["Environment"]["Variables"]

    assert variables["EXPORT_QUEUE_URL"] == {"Ref": "ExportQueue"}
    assert variables["EXPORT_BUCKET"] == {"Ref": "ExportBucket"}


def test_relay_gives_up_when_the_export_queue_drops_messages(package: Package) -> None:
    retention = package.resource("ExportQueue")["Properties"]["MessageRetentionPeriod"]

    assert retention == relay.QUEUE_RETENTION.total_seconds()


def test_relay_waits_longer_than_a_request_lives_before_sending_again(package: Package) -> None:
    assert relay.LOST_AFTER.total_seconds() > 10 * package.properties("APIHandler")["Timeout"]


def test_bucket_blocks_every_kind_of_public_access(package: Package) -> None:
    block = package.resource("ExportBucket")["Properties"]["PublicAccessBlockConfiguration"]

    assert block == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )


def test_bucket_encrypts_objects_at_rest(package: Package) -> None:
    (rule,) = package.resource("ExportBucket")["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]

    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_bucket_expires_exports_after_the_retention_period(package: Package) -> None:
    rules = package.resource("ExportBucket")["Properties"]["LifecycleConfiguration"]["Rules"]

    (expiry,) = (rule for rule in rules if "ExpirationInDays" in rule)

    assert (expiry["Status"], expiry["Prefix"]) == ("Enabled", "exports/")
    assert expiry["ExpirationInDays"] == {"Ref": "ExportRetentionDays"}
    assert package.template["Parameters"]["ExportRetentionDays"]["Default"] == 7


def test_bucket_refuses_plain_http(package: Package) -> None:
    statements = package.resource("ExportBucketPolicy")["Properties"]["PolicyDocument"]["Statement"]

    (statement,) = (s for s in statements if s["Sid"] == "DenyPlainHttp")

    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_secrets_key_rotates_and_has_an_alias(package: Package) -> None:
    key = package.resource("SecretsKey")["Properties"]

    assert key["EnableKeyRotation"] is True
    assert package.resource("SecretsKeyAlias")["Properties"]["TargetKeyId"] == {"Ref": "SecretsKey"}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_environment_holds_no_secret(package: Package, name: str) -> None:
    variables = package.properties(FUNCTIONS[name])["Environment"]["Variables"]

    assert not set(SECRETS) & set(variables)
    for variable, value in variables.items():
        if variable.endswith("_PARAMETER"):
            assert value == {"Ref": value["Ref"]}
            default = package.template["Parameters"][value["Ref"]]["Default"]
            assert default.startswith("/open-event/") or (value["Ref"] in OPTIONAL_SECRET_PARAMETERS and default == "")


def test_open_event_database_url_parameter_is_optional_and_empty_means_standalone(package: Package) -> None:
    parameter = package.template["Parameters"]["OpenEventDatabaseUrlParameter"]
    pattern = re.compile(parameter["AllowedPattern"])

    assert parameter["Default"] == ""
    assert pattern.match("") and pattern.match("/open-event/prod/open-event-database-url")
    assert not pattern.match("postgresql+pg8000://reader@oes/open_event")


def test_template_text_has_no_secret_value(package: Package) -> None:
    text = json.dumps(package.template)

    assert not re.search(r"postgres(ql)?(\+\w+)?://|sk_(live|test)_|-----BEGIN", text)


@pytest.mark.parametrize(
    ("name", "secrets"),
    [
        ("api_handler", SECRETS),
        ("export_worker", ("DATABASE_URL", "OPEN_EVENT_DATABASE_URL")),
        ("export_dead_letters", ("DATABASE_URL",)),
        ("export_requeue", ("DATABASE_URL",)),
        # Its name tells migrate the mode; the role does not let it read the value (test_iam.py).
        ("migrate", ("DATABASE_URL", "OPEN_EVENT_DATABASE_URL")),
        ("feeds_refresh", ("DATABASE_URL", "OPEN_EVENT_DATABASE_URL")),
    ],
    ids=["api_handler", "export_worker", "export_dead_letters", "export_requeue", "migrate", "feeds_refresh"],
)
def test_function_is_told_where_its_secrets_are_and_no_others(
    package: Package, name: str, secrets: tuple[str, ...]
) -> None:
    variables = package.properties(FUNCTIONS[name])["Environment"]["Variables"]

    assert {variable for variable in variables if variable.endswith("_PARAMETER")} == {
        f"{s}_PARAMETER" for s in secrets
    }


def render_gateway_template(template: str) -> Any:
    """What API Gateway sends: the template with its ``$context`` variables filled in."""
    filled = template.replace("$context.error.messageString", json.dumps('Missing "Authentication" Token'))
    return json.loads(filled.replace("$context.error.responseType", "DEFAULT_4XX"))


def gateway_responses(package: Package) -> dict[str, Any]:
    responses: dict[str, Any] = package.properties("RestAPI")["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    return responses


def test_gateway_answers_an_unknown_route_with_a_jsonapi_404(package: Package) -> None:
    response = gateway_responses(package)["MISSING_AUTHENTICATION_TOKEN"]

    document = render_gateway_template(response["responseTemplates"]["application/json"])

    assert response["statusCode"] == "404"
    assert document["errors"][0]["status"] == "404"
    assert document["jsonapi"] == {"version": "1.0"}


# API Gateway's answers for a path it does not route: without an Authorization header, with one that is
# not a SigV4 signature (its message quotes the header), and with a malformed signature.
UNKNOWN_ROUTE_TYPES = ["MISSING_AUTHENTICATION_TOKEN", "INCOMPLETE_SIGNATURE", "INVALID_SIGNATURE"]
GATEWAY_RESPONSE_TYPES = [*UNKNOWN_ROUTE_TYPES, "UNSUPPORTED_MEDIA_TYPE", "REQUEST_TOO_LARGE", "THROTTLED",
                          "INTEGRATION_TIMEOUT", "INTEGRATION_FAILURE", "DEFAULT_4XX", "DEFAULT_5XX"]  # fmt: skip


@pytest.mark.parametrize("response_type", UNKNOWN_ROUTE_TYPES)
def test_gateway_answers_an_unknown_route_with_or_without_a_token_with_the_same_404(
    package: Package, response_type: str
) -> None:
    response = gateway_responses(package)[response_type]

    assert response["statusCode"] == "404"
    assert (
        response["responseTemplates"] == gateway_responses(package)["MISSING_AUTHENTICATION_TOKEN"]["responseTemplates"]
    )


@pytest.mark.parametrize("response_type", GATEWAY_RESPONSE_TYPES)
def test_gateway_errors_never_echo_the_request(package: Package, response_type: str) -> None:
    templates = gateway_responses(package)[response_type]["responseTemplates"].values()

    # messageString quotes the caller's Authorization header on an unknown route.
    assert all("$context.error.messageString" not in template for template in templates)
    assert all("$input" not in template and "$context.identity" not in template for template in templates)


@pytest.mark.parametrize("response_type", GATEWAY_RESPONSE_TYPES)
def test_gateway_errors_carry_the_apps_cors_headers(package: Package, response_type: str) -> None:
    parameters = gateway_responses(package)[response_type]["responseParameters"]

    sent = {
        name.removeprefix("gatewayresponse.header."): value.strip("'")
        for name, value in parameters.items()
        if name.startswith("gatewayresponse.header.Access-Control-")
    }

    assert sent == CORS.get_access_control_headers()


@pytest.mark.parametrize("response_type", GATEWAY_RESPONSE_TYPES)
def test_gateway_errors_are_jsonapi_error_documents(package: Package, response_type: str) -> None:
    response = gateway_responses(package)[response_type]

    documents = [render_gateway_template(template) for template in response["responseTemplates"].values()]

    assert response["responseParameters"]["gatewayresponse.header.Content-Type"] == "'application/vnd.api+json'"
    for document in documents:
        (error,) = document["errors"]
        assert error["title"] and error["detail"]
        assert error.get("status", response.get("statusCode")) == response.get("statusCode")


def test_worker_concurrency_is_capped_to_spare_the_database(package: Package) -> None:
    (event,) = package.properties("ExportWorker")["Events"].values()

    assert event["Properties"]["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "WorkerMaxConcurrency"}}


def test_the_http_function_gives_up_on_the_database_well_before_the_gateway_does(package: Package) -> None:
    variables = package.properties("APIHandler")["Environment"]["Variables"]

    connect = float(variables["DATABASE_CONNECT_TIMEOUT_SECONDS"])
    statement = float(variables["DATABASE_STATEMENT_TIMEOUT_SECONDS"])

    assert connect + statement < 29 / 2  # API Gateway's integration timeout is 29 s


@pytest.mark.parametrize("name", ["export_worker", "migrate", "feeds_refresh"])
def test_long_running_functions_have_longer_statement_limits_within_their_own_timeout(
    package: Package, name: str
) -> None:
    function = package.properties(FUNCTIONS[name])

    statement = float(function["Environment"]["Variables"]["DATABASE_STATEMENT_TIMEOUT_SECONDS"])

    assert 10 < statement < function["Timeout"]


def test_gateway_grants_the_preflight_of_any_path_so_the_browser_reads_the_404(package: Package) -> None:
    paths = package.properties("RestAPI")["DefinitionBody"]["paths"]
    integration = paths["/{proxy+}"]["options"]["x-amazon-apigateway-integration"]
    every_method = {"OPTIONS", *(method for methods in app.routes.values() for method in methods)}

    sent = {
        name.removeprefix("method.response.header."): value.strip("'")
        for name, value in integration["responses"]["default"]["responseParameters"].items()
    }

    assert integration["type"] == "mock"
    assert set(paths) > {"/{proxy+}", "/v1/pages"}  # Chalice's own routes are still there
    assert set(sent.pop("Access-Control-Allow-Methods").split(",")) == every_method
    assert sent == CORS.get_access_control_headers()


def test_gateway_throttles_the_login_routes_harder_than_the_rest_and_says_when_to_retry(package: Package) -> None:
    rest_api = package.properties("RestAPI")
    limits = {(item["ResourcePath"], item["HttpMethod"]): item for item in rest_api["MethodSettings"]}
    default = limits[("/*", "*")]

    for path in ("/auth/session", "/v1/auth/login"):
        login = limits[("/" + path.replace("/", "~1"), "POST")]  # CloudFormation's "/~1v1~1auth~1login"
        assert "post" in rest_api["DefinitionBody"]["paths"][path]
        assert login["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert login["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
    throttled = gateway_responses(package)["THROTTLED"]
    assert (throttled["statusCode"], throttled["responseParameters"]["gatewayresponse.header.Retry-After"]) == (
        "429",
        "'1'",
    )
