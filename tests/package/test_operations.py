"""What an on-call engineer needs is in the built template: JSON logs, tracing, access logs, alarms
to the operators' topic, and a bucket that serves the frontend's downloads and nothing stale."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.package.conftest import Package
from tests.package.test_template import FUNCTIONS, PROD

ALARM_METRICS = {
    # alarm: (namespace, metric, the resource its dimension names)
    "DeadLettersAlarm": ({"Fn::Sub": "OpenEventServerless/${Stage}"}, "DeadLetters", None),
    "DeadLetterQueueBacklogAlarm": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "ExportDeadLetterQueue"),
    "ExportQueueAgeAlarm": ("AWS/SQS", "ApproximateAgeOfOldestMessage", "ExportQueue"),
    "WorkerErrorsAlarm": ("AWS/Lambda", "Errors", "ExportWorker"),
    "WorkerThrottlesAlarm": ("AWS/Lambda", "Throttles", "ExportWorker"),
    "Api5xxAlarm": ("AWS/ApiGateway", "5XXError", None),
    "RelayFailuresAlarm": ("AWS/Lambda", "Errors", "ExportRequeue"),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_logs_one_json_object_a_line(package: Package, name: str) -> None:
    logging = package.properties(FUNCTIONS[name])["LoggingConfig"]

    assert logging["LogFormat"] == "JSON"
    assert logging["ApplicationLogLevel"] == "INFO"  # the export's life: started, SUCCESS, failures


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_is_traced_by_x_ray(package: Package, name: str) -> None:
    assert package.properties(FUNCTIONS[name])["Tracing"] == "Active"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_writes_its_metrics_to_the_stages_namespace(package: Package, name: str) -> None:
    variables = package.properties(FUNCTIONS[name])["Environment"]["Variables"]

    assert variables["METRICS_NAMESPACE"] == ALARM_METRICS["DeadLettersAlarm"][0]


def test_api_stage_is_traced_and_writes_access_logs_without_query_strings(package: Package) -> None:
    api = package.properties("RestAPI")
    access = api["AccessLogSetting"]

    fields = json.loads(access["Format"])

    assert api["TracingEnabled"] is True
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert {"requestId", "status", "path", "latencyMs"} <= set(fields)
    # A query string or a header may carry a token: the path alone, never the request's text.
    assert all(value in (f"$context.{v}" for v in _ALLOWED_CONTEXT) for value in fields.values())
    assert package.properties("ApiAccessLogGroup")["RetentionInDays"] == {"Ref": "LogRetentionDays"}


_ALLOWED_CONTEXT = {
    "requestId", "extendedRequestId", "requestTime", "identity.sourceIp", "httpMethod", "path", "resourcePath",
    "status", "responseLength", "responseLatency", "integrationLatency", "integration.status",
    "error.responseType", "xrayTraceId",
}  # fmt: skip


def test_export_bucket_writes_server_access_logs_to_a_private_bucket(package: Package) -> None:
    logging = package.properties("ExportBucket")["LoggingConfiguration"]
    log_bucket = package.properties("ExportAccessLogBucket")
    (delivery, *_) = package.properties("ExportAccessLogBucketPolicy")["PolicyDocument"]["Statement"]

    assert logging["DestinationBucketName"] == {"Ref": "ExportAccessLogBucket"}
    assert (
        log_bucket["PublicAccessBlockConfiguration"]
        == package.properties("ExportBucket")["PublicAccessBlockConfiguration"]
    )
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert delivery["Resource"]["Fn::Sub"].endswith("/" + logging["LogFilePrefix"] + "*")
    assert delivery["Condition"]["ArnLike"]["aws:SourceArn"] == {"Fn::GetAtt": ["ExportBucket", "Arn"]}


def test_bucket_lets_only_the_frontend_origins_read_downloads(package: Package) -> None:
    (rule,) = package.properties("ExportBucket")["CorsConfiguration"]["CorsRules"]

    assert sorted(rule["AllowedMethods"]) == ["GET", "HEAD"]
    assert rule["AllowedOrigins"] == {"Ref": "FrontendOrigins"}
    assert package.template["Parameters"]["FrontendOrigins"]["Type"] == "CommaDelimitedList"
    assert "Default" not in package.template["Parameters"]["FrontendOrigins"]  # chosen at deploy, never "*"


def test_bucket_refuses_presigned_links_older_than_their_lifetime(package: Package) -> None:
    statements = package.properties("ExportBucketPolicy")["PolicyDocument"]["Statement"]

    (stale,) = (s for s in statements if "s3:signatureAge" in s.get("Condition", {}).get("NumericGreaterThan", {}))

    assert (stale["Effect"], stale["Action"]) == ("Deny", "s3:GetObject")
    assert stale["Condition"]["StringEquals"] == {"s3:authType": "REST-QUERY-STRING"}
    lifetime_ms = int(PROD["environment_variables"]["PRESIGN_EXPIRY_SECONDS"]) * 1000
    assert stale["Condition"]["NumericGreaterThan"]["s3:signatureAge"] == lifetime_ms


def alarm(package: Package, name: str) -> dict[str, Any]:
    properties: dict[str, Any] = package.properties(name)
    return properties


@pytest.mark.parametrize("name", ALARM_METRICS)
def test_alarm_watches_its_metric_and_notifies_the_operators_topic(package: Package, name: str) -> None:
    namespace, metric, resource = ALARM_METRICS[name]

    properties = alarm(package, name)

    assert package.resource(name)["Type"] == "AWS::CloudWatch::Alarm"
    assert (properties["Namespace"], properties["MetricName"]) == (namespace, metric)
    assert properties["AlarmActions"] == properties["OKActions"] == [{"Ref": "AlarmTopicArn"}]
    assert properties["TreatMissingData"] == "notBreaching"  # no traffic is no trouble
    if resource is not None:
        (dimension,) = properties["Dimensions"]
        assert resource in json.dumps(dimension["Value"])
    assert (
        f"docs/operations.md#{properties['AlarmName']['Fn::Sub'].split('}-', 1)[1]}" in properties["AlarmDescription"]
    )


def test_api_5xx_alarm_is_a_rate_on_the_stages_api(package: Package) -> None:
    properties = alarm(package, "Api5xxAlarm")
    dimensions = {d["Name"]: d["Value"] for d in properties["Dimensions"]}

    assert properties["Statistic"] == "Average"  # 5XXError is 0 or 1 per request: its average is the rate
    assert 0 < properties["Threshold"] < 1
    assert dimensions == {"ApiName": package.properties("RestAPI")["Name"], "Stage": PROD["api_gateway_stage"]}


def test_queue_age_alarm_allows_every_attempt_of_a_long_export(package: Package) -> None:
    worker_timeout = package.properties("ExportWorker")["Timeout"]
    attempts = int(PROD["environment_variables"]["EXPORT_MAX_ATTEMPTS"])

    assert alarm(package, "ExportQueueAgeAlarm")["Threshold"] >= attempts * worker_timeout


def test_alarm_topic_is_a_parameter(package: Package) -> None:
    assert package.template["Parameters"]["AlarmTopicArn"]["AllowedPattern"].startswith("^arn:aws")


def test_every_scanner_finding_skipped_in_the_template_says_why(package: Package) -> None:
    skips = [
        (name, skip)
        for name, resource in package.template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]

    assert skips  # make scan runs checkov; what it may skip is listed here, with a reason each
    assert all(skip["id"].startswith("CKV_") and len(skip["comment"]) > 60 for _, skip in skips), skips
