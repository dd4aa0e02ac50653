"""The shared layer keeps the botocore model of every AWS service videogen calls, and a pruned layer works.

layers/shared/botocore-services.txt is the one list of kept services; layers/shared/Makefile deletes every
other model from the layer. A service used in code but missing from the list would fail only in Lambda, at
the first client created for it (UnknownServiceError), so the code is searched for the services it uses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore.session
import pytest

from tests.support.fresh_python import run_python
from tests.support.paths import ROOT

KEEP_LIST = ROOT / "layers" / "shared" / "botocore-services.txt"
SOURCES = [ROOT / "layers" / "shared" / "videogen", ROOT / "functions"]

#: A client or resource created by service name: boto3.client("s3"), session.create_client("xray"), ...
_CLIENT_CALL = re.compile(
    r"""\b(?:client|resource|create_client)\(\s*(?:service_name\s*=\s*)?["']([a-z0-9-]+)["']"""
)
#: Libraries that create clients themselves: what in the code shows their use, and the service they call.
_LIBRARY_USES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\s*(?:from|import) pynamodb\b", re.M), "dynamodb"),
    (re.compile(r"\bDynamoDBPersistenceLayer\b|\bDynamoDBProvider\b|\bget_parameters_by_name\b"), "dynamodb"),
    (re.compile(r"\bget_parameters?\(|\bSSMProvider\b"), "ssm"),
    (re.compile(r"\bget_secrets?\(|\bSecretsProvider\b"), "secretsmanager"),
    (re.compile(r"\bget_app_config\(|\bAppConfigProvider\b"), "appconfigdata"),
    # aws_xray_sdk, under Powertools' Tracer, creates an X-Ray client for its sampling rules on import.
    (re.compile(r"\bTracer\b|\baws_xray_sdk\b"), "xray"),
]
_LINE = re.compile(r"^(?:([a-z0-9-]+)\s*)?(?:#.*)?$")


def kept_services(text: str) -> list[str]:
    """The services a keep list names: the first word of each line, `#` comments ignored.

    Raises:
        ValueError: a line is neither a comment nor one service name (the Makefile would misread it).
    """
    services = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line.strip())
        if match is None:
            raise ValueError(f"line {number}: {line!r} is not `service  # comment`")
        if match.group(1):
            services.append(match.group(1))
    return services


def used_services(source: str) -> set[str]:
    """The AWS services a piece of Python source calls, directly or through a library that does."""
    used = set(_CLIENT_CALL.findall(source))
    used.update(service for pattern, service in _LIBRARY_USES if pattern.search(source))
    return used


def _code_services() -> dict[str, set[Path]]:
    found: dict[str, set[Path]] = {}
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.py")):
            for service in used_services(path.read_text(encoding="utf-8")):
                found.setdefault(service, set()).add(path.relative_to(ROOT))
    return found


def test_keep_list_names_each_service_once() -> None:
    services = kept_services(KEEP_LIST.read_text(encoding="utf-8"))

    assert services
    assert len(services) == len(set(services))


def test_keep_list_names_only_services_botocore_has() -> None:
    known = set(botocore.session.get_session().get_available_services())

    assert set(kept_services(KEEP_LIST.read_text(encoding="utf-8"))) - known == set()


def test_every_service_the_code_uses_is_kept() -> None:
    kept = set(kept_services(KEEP_LIST.read_text(encoding="utf-8")))
    used = _code_services()

    missing = {service: sorted(map(str, paths)) for service, paths in used.items() if service not in kept}
    assert not missing, f"add to {KEEP_LIST.relative_to(ROOT)}: {missing}"


def test_the_code_search_finds_the_services_videogen_calls_today() -> None:
    # Guards the search itself: a pattern that stopped matching would let the test above pass on nothing.
    assert set(_code_services()) >= {"s3", "dynamodb", "stepfunctions", "lambda", "ssm", "polly", "xray"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('client = boto3.client("bedrock-runtime", region_name=region)', {"bedrock-runtime"}),
        ("boto3.resource('sqs')", {"sqs"}),
        ('session.create_client(service_name="events")', {"events"}),
        ("boto3.client(\n    'sts',\n    config=config,\n)", {"sts"}),
        ("from pynamodb.models import Model", {"dynamodb"}),
        ("persistence = DynamoDBPersistenceLayer(table_name=name)", {"dynamodb"}),
        ("value = parameters.get_parameter(name, decrypt=True)", {"ssm"}),
        ("parameters.get_secret('key')", {"secretsmanager"}),
        ("tracer = Tracer(patch_modules=('botocore',))", {"xray"}),
        ("response = s3_client().get_object(Bucket=bucket, Key=key)", set()),
    ],
)
def test_used_services_reads_clients_and_libraries(source: str, expected: set[str]) -> None:
    assert used_services(source) == expected


def test_kept_services_refuses_a_line_the_makefile_would_misread() -> None:
    assert kept_services("# comment\n\ns3   # bucket\n  dynamodb\n") == ["s3", "dynamodb"]
    with pytest.raises(ValueError, match="line 2"):
        kept_services("s3\nStepFunctions\n")


# ---------------------------------------------------------------- the built layer


def test_built_layer_holds_exactly_the_kept_botocore_models(build_dir: Path) -> None:
    python = build_dir / "SharedLayer" / "python"
    kept = set(kept_services(KEEP_LIST.read_text(encoding="utf-8")))

    botocore_models = {path.name for path in (python / "botocore" / "data").iterdir() if path.is_dir()}
    boto3_models = {path.name for path in (python / "boto3" / "data").iterdir() if path.is_dir()}

    assert botocore_models == kept
    assert boto3_models <= kept
    for name in ("endpoints.json", "partitions.json", "_retry.json", "sdk-default-configuration.json"):
        assert (python / "botocore" / "data" / name).is_file(), name


def test_built_layer_ships_only_the_videogen_package_and_its_requirements(build_dir: Path) -> None:
    python = build_dir / "SharedLayer" / "python"

    assert sorted(path.name for path in (build_dir / "SharedLayer").iterdir()) == ["python"]
    assert (python / "videogen" / "__init__.py").is_file()
    assert not {"requirements.txt", "Makefile", "botocore-services.txt", "bin"} & {
        p.name for p in python.iterdir()
    }
    # Runtime code only: the development package (local cloud, CLI, demo) and moto never ship.
    assert not {"videogen_local", "moto", "pytest"} & {p.name for p in python.iterdir()}
    assert not [name for name in ("local", "cli.py", "demo.py") if (python / "videogen" / name).exists()]


def test_built_layer_bytecode_is_all_unchecked_hash(build_dir: Path) -> None:
    # `make sam-build` compiles with --invalidation-mode unchecked-hash, but compileall keeps a .pyc whose
    # timestamp matches: one copied from a development run would ship, and go stale once `sam package`
    # resets every mtime. Flags 0b01 in the header's second word: hash-based, source not checked.
    timestamped = [
        str(path.relative_to(build_dir))
        for path in (build_dir / "SharedLayer" / "python").rglob("*.pyc")
        if path.read_bytes()[4:8] != b"\x01\x00\x00\x00"
    ]

    assert timestamped == []


# Runs as Lambda would: no site-packages, sys.path = the layer's python/ folder after the standard library.
_PROBE = """
import json, os, sys
layer, services = sys.argv[1], sys.argv[2].split(",")
sys.path.insert(0, layer)

from aws_lambda_powertools import Logger, Metrics, Tracer
tracer = Tracer(service="probe", patch_modules=("botocore", "pynamodb"))
Logger(service="probe"), Metrics(namespace="probe")
import boto3, botocore.exceptions, pydantic, yaml
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

clients = {
    name: boto3.client(name, region_name="us-east-1").meta.service_model.service_name for name in services
}
resources = sorted(os.listdir(os.path.join(layer, "boto3", "data")))
for name in resources:
    boto3.resource(name, region_name="us-east-1")
DynamoDBPersistenceLayer(table_name="probe").client
parameters.SSMProvider().client

class Item(Model):
    class Meta:
        table_name = "probe"
        region = "us-east-1"
    pk = UnicodeAttribute(hash_key=True)

Item._get_connection().connection.client
try:
    boto3.client("ec2", region_name="us-east-1")
    pruned = False
except botocore.exceptions.UnknownServiceError:
    pruned = True
outside = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None) and not module.__file__.startswith((layer, sys.base_prefix))
)
print(json.dumps({"clients": clients, "resources": resources, "pruned": pruned, "outside": outside}))
"""


def test_pruned_layer_creates_a_client_for_each_kept_service_on_its_own(build_dir: Path) -> None:
    # Given the built layer alone, with the environment Lambda gives (credentials, region, function name)
    layer = build_dir / "SharedLayer" / "python"
    kept = kept_services(KEEP_LIST.read_text(encoding="utf-8"))
    environment = {
        "PATH": "/usr/bin:/bin",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "probe",
        "LAMBDA_TASK_ROOT": "/var/task",
    }

    # When a fresh interpreter without site-packages imports the libraries and creates every client
    printed = run_python(_PROBE, str(layer), ",".join(kept), env=environment, isolated=True)

    # Then each kept service has a working client, the rest are gone, and nothing came from elsewhere
    result = json.loads(printed)
    assert result["clients"] == {name: name for name in kept}
    assert result["resources"]
    assert result["pruned"] is True
    assert result["outside"] == []
