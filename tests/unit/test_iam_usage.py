"""Every permission of every role is used by a code path of its function, and no code path of a
function calls AWS with a permission its role lacks.

``USES`` names, for each function, each action of its policy file (``.chalice/``) and what needs it:
a boto3 call reachable from the function's entry points, or Lambda itself (logs, the SQS trigger).
Reachability is a call graph of ``chalicelib`` read from the source: a function referenced by name
(or through its imported module) is reached, and so is every method of a class so referenced;
generous, so a permission it calls unused is unused indeed. Code that only tests call (``stripe.service.tokens_of``) reaches no function.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("s3", "sqs", "kms", "ssm")
LAMBDA_LOGS = {"logs:CreateLogStream": "Lambda's runtime", "logs:PutLogEvents": "Lambda's runtime"}
SQS_TRIGGER = {
    "sqs:ReceiveMessage": "the SQS event source mapping",
    "sqs:DeleteMessage": "the SQS event source mapping",
    "sqs:GetQueueAttributes": "the SQS event source mapping",
}
# Calls whose IAM action is not the operation's own name.
ACTION_OF_CALL = {
    "s3.head_bucket": "s3:ListBucket",
    "s3.list_objects_v2": "s3:ListBucket",
    "s3.generate_presigned_url": "s3:GetObject",  # presigns get_object only (task_view)
    "s3.create_multipart_upload": "s3:PutObject",
    "s3.upload_part": "s3:PutObject",
    "s3.complete_multipart_upload": "s3:PutObject",
    "s3.put_object": "s3:PutObject",
    "s3.list_multipart_uploads": "s3:ListBucketMultipartUploads",
    "sqs.send_message_batch": "sqs:SendMessage",
    "s3.delete_objects": "s3:DeleteObject",  # IAM has no DeleteObjects: each key needs DeleteObject
}
# (policy file, entry points: module -> functions, or None for every function of the module)
FUNCTIONS: dict[str, tuple[str, dict[str, tuple[str, ...] | None]]] = {
    "api_handler": (
        "policy-api.json",
        {
            **{
                f"chalicelib.routes.{name}": None
                for name in ("auth", "exports", "feeds", "health", "pages", "stripe", "tasks")
            },
            "chalicelib.http": ("http_boundary",),
        },
    ),
    "export_worker": ("policy-worker.json", {"chalicelib.exports.pipeline.worker": ("handle_records",)}),
    "export_dead_letters": (
        "policy-dead-letters.json",
        {"chalicelib.exports.pipeline.dead_letters": ("handle_records",)},
    ),
    "export_requeue": ("policy-requeue.json", {"chalicelib.exports.pipeline.relay": ("run",)}),
    "migrate": ("policy-migrate.json", {"chalicelib.migrate": ("handle_invocation",)}),
    "feeds_refresh": ("policy-feeds.json", {"chalicelib.feeds.refresh": ("run",)}),
}
TRIGGERED_BY_SQS = {"export_worker", "export_dead_letters"}


@cache
def operations() -> dict[str, str]:
    """Every boto3 client method of the services we use, as ``service.method`` -> IAM action."""
    actions = {}
    for service in SERVICES:
        client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        for method, operation in client.meta.method_to_api_mapping.items():
            actions[method] = ACTION_OF_CALL.get(f"{service}.{method}", f"{service}:{operation}")
    actions["generate_presigned_url"] = ACTION_OF_CALL["s3.generate_presigned_url"]
    return actions


class Module:
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.imports: dict[str, str] = {}  # local name -> module, or module.attribute
        self.functions: dict[str, ast.AST] = {}  # top-level function or variable, or Class.method
        self.classes: dict[str, list[str]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                self.imports.update({(a.asname or a.name): a.name for a in node.names})
            elif isinstance(node, ast.ImportFrom) and node.module:
                self.imports.update({(a.asname or a.name): f"{node.module}.{a.name}" for a in node.names})
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = node
            elif isinstance(node, ast.Assign | ast.AnnAssign):  # a table of functions (``health.PROBES``)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                self.functions.update({target.id: node for target in targets if isinstance(target, ast.Name)})
            elif isinstance(node, ast.ClassDef):
                methods = [item for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)]
                self.classes[node.name] = [f"{node.name}.{method.name}" for method in methods]
                self.functions.update({f"{node.name}.{method.name}": method for method in methods})


@cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted((REPO / "chalicelib").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = Module(name, path)
    return found


Node = tuple[str, str]  # (module, function)


def _named(module: str, name: str) -> Iterator[Node]:
    """The function, or every method of the class, that ``name`` is in ``module``."""
    found = modules().get(module)
    if found is None:
        return
    if name in found.functions:
        yield module, name
    for method in found.classes.get(name, ()):
        yield module, method
    if name in found.imports:  # a name the module imported in turn
        target, _, attribute = found.imports[name].rpartition(".")
        if target != module:
            yield from _named(target, attribute)


def references(node: Node) -> Iterator[Node]:
    module = modules()[node[0]]
    for item in ast.walk(module.functions[node[1]]):
        if isinstance(item, ast.Name):
            yield from _named(module.name, item.id)
        elif isinstance(item, ast.Attribute):
            base = item.value
            imported = module.imports.get(base.id) if isinstance(base, ast.Name) else None
            if imported in modules():
                yield from _named(imported, item.attr)


def reachable(function: str) -> set[Node]:
    _, entries = FUNCTIONS[function]
    todo = [
        (module, name)
        for module, names in entries.items()
        for name in (names if names is not None else modules()[module].functions)
    ]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(references(node))
    return seen


def aws_calls(function: str) -> dict[str, set[str]]:
    """IAM action -> the functions reachable from ``function`` that call AWS with it."""
    calls: dict[str, set[str]] = {}
    for module, name in reachable(function):
        for item in ast.walk(modules()[module].functions[name]):
            if isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute) and _is_boto_call(item):
                method = item.func.attr
                if method == "get_paginator" and isinstance(item.args[0], ast.Constant):
                    method = str(item.args[0].value)
                if method in operations():
                    calls.setdefault(operations()[method], set()).add(f"{module}.{name}")
    return calls


def _is_boto_call(call: ast.Call) -> bool:
    """A client method, not a namesake (``AESGCM(key).decrypt``): called on a client of ``aws``,
    or on a name that holds one (``client``, ``self._client``)."""
    target = call.func.value  # type: ignore[attr-defined]
    if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute):
        return target.func.attr in SERVICES
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name.lstrip("_") == "client"


def granted(function: str) -> set[str]:
    policy = json.loads((REPO / ".chalice" / FUNCTIONS[function][0]).read_text())
    actions = set()
    for statement in policy["Statement"]:
        actions.update([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    return actions


def needed(function: str) -> dict[str, str]:
    """Each action the function needs, and what needs it."""
    uses = {**LAMBDA_LOGS, **(SQS_TRIGGER if function in TRIGGERED_BY_SQS else {})}
    uses.update({action: ", ".join(sorted(callers)) for action, callers in aws_calls(function).items()})
    return uses


def test_every_function_of_the_chalice_config_is_described() -> None:
    config = json.loads((REPO / ".chalice" / "config.json").read_text())

    assert set(config["stages"]["prod"]["lambda_functions"]) == set(FUNCTIONS)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_permission_of_the_role_is_used_by_a_code_path(function: str) -> None:
    unused = granted(function) - set(needed(function))

    assert not unused, f"{function} is granted {sorted(unused)}, which none of its code paths uses"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_aws_call_of_the_function_is_granted(function: str) -> None:
    missing = {action: caller for action, caller in needed(function).items() if action not in granted(function)}

    assert not missing, f"{function} calls AWS without the permission: {missing}"


def test_the_api_never_decrypts_stripe_tokens() -> None:
    assert "kms:Decrypt" not in needed("api_handler")
    assert "kms:Decrypt" not in granted("api_handler")
    assert needed("api_handler")["kms:GenerateDataKey"] == "chalicelib.stripe.crypto.new_data_key"
