"""The local cloud: moto 5 in-process, with the tables, buckets and functions template.yaml declares.

Nothing is declared twice: resource names, key schemas, indexes and function environments come from the
template. By default Lambda handlers run in this process; their modules are loaded from the ``CodeUri``
folders. With ``from_build``, each function runs from its ``sam build`` folder in worker processes, as
Lambda runs it (see videogen_local.workers), and reaches the same emulated services through moto's server.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import io
import itertools
import json
import logging
import os
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, TextIO

import boto3
from moto import mock_aws
from moto.awslambda.models import LambdaFunction
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.events.models import EventsBackend
from moto.server import ThreadedMotoServer

from videogen_local.build import BuildError, check_build, default_template_path
from videogen_local.moto_sfn import (
    BaseExecutionWorkerCommunication,
    Environment,
    ProgramStopped,
    StepFunctionsParserBackend,
)
from videogen_local.service_models import share_service_models
from videogen_local.template import Template
from videogen_local.workers import (
    DEFAULT_WORKERS_PER_FUNCTION,
    BuiltFunction,
    FunctionError,
    FunctionPool,
    lambda_python,
)

REGION = "us-east-1"
#: How long stopping waits for handlers still running (the longest a local step is expected to take).
STOP_GRACE_SECONDS = 60.0
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    # Made per process, never a known value: the local server checks presigned links' signatures with it.
    "AWS_SECRET_ACCESS_KEY": os.urandom(20).hex(),
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
# Anything that could send a request to a real AWS account is removed while the local cloud runs.
_REAL_AWS_VARIABLES = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
# Variables that only make sense in the cloud: locally the wheel's ffmpeg runs (the same binary the
# ffmpeg layer ships) and provider keys come from the environment, not from SSM.
_CLOUD_ONLY = {"FFMPEG_BINARY", "STABILITY_API_KEY_PARAMETER"}
# Config whose deployed value means nothing on one machine, for every function (in this process and in
# --from-build workers): there is no Cognito, so no group to be a member of; every provider is allowed.
# A developer points webhooks at their own machine: loopback and plain http are allowed locally.
_LOCAL_OVERRIDES = {"PAID_PROVIDERS": "everyone", "WEBHOOKS_ALLOW_LOCAL": "true"}
_LOCAL_DEFAULTS = {
    "ENVIRONMENT": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "videogen-local",
}


@dataclass
class LocalFunction:
    """A Lambda function of the template, runnable in this process."""

    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    timeout: int
    memory: int
    environment: dict[str, str]
    events: dict[str, dict[str, Any]]
    layers: tuple[str, ...] = ()
    _callable: Callable[[dict[str, Any], Any], Any] | None = field(default=None, repr=False)

    def load(self) -> Callable[[dict[str, Any], Any], Any]:
        """Import the handler module from its CodeUri folder (once) and return the handler."""
        if self._callable is None:
            module_file, _, attribute = self.handler.rpartition(".")
            path = self.code_dir / f"{module_file.replace('.', '/')}.py"
            module_name = f"videogen_local_fn_{self.logical_id}"
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module: ModuleType = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            self._callable = getattr(module, attribute)
        return self._callable


@dataclass
class LambdaContextStub:
    """What a handler may read from its context object."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @classmethod
    def of(cls, function: LocalFunction) -> LambdaContextStub:
        """The context Lambda gives one invocation of ``function``."""
        return cls(function.name, function.arn, function.memory, function.timeout)

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_seconds * 1000


class LocalCloud:
    """Moto in-process plus everything template.yaml declares. Use as a context manager."""

    def __init__(
        self,
        template_path: Path | None = None,
        *,
        stack_name: str = "videogen-local",
        from_build: Path | None = None,
        workers_per_function: int = DEFAULT_WORKERS_PER_FUNCTION,
        log_path: Path | None = None,
        parameters: dict[str, str] | None = None,
    ) -> None:
        self.template = Template.load(
            template_path or default_template_path(),
            stack_name=stack_name,
            # One machine renders as many segments at once as it has cores (deployed: many Lambdas).
            parameter_overrides={"SegmentConcurrency": str(os.cpu_count() or 1), **(parameters or {})},
        )
        #: The `sam build` folder whose functions run in worker processes; None: handlers run in process.
        self.build_dir = from_build
        self.workers_per_function = workers_per_function
        #: Where built functions' output goes (their CloudWatch Logs); a temporary file unless given.
        self.log_path = log_path
        self.pools: dict[str, FunctionPool] = {}
        self._server: Any = None
        self._log: Any = None
        self.endpoint_url: str | None = None
        self.presign_endpoint: str | None = None
        self.functions: dict[str, LocalFunction] = {}
        self.tables: dict[str, str] = {}
        self.buckets: dict[str, str] = {}
        self.state_machines: dict[str, str] = {}
        self._mock: Any = None
        self._saved_env: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._in_flight = 0  # handler invocations running now
        self._patches: list[tuple[type, str, Any]] = []  # (class, attribute, original) replaced in moto
        self._sequencer = itertools.count(time.time_ns())
        self.event_buses: dict[str, str] = {}  # logical id -> name
        self.queues: dict[str, str] = {}  # logical id -> URL
        self._pollers: list[threading.Thread] = []
        self._stop_polling = threading.Event()
        self._ended = threading.Condition()
        self._ended_executions: set[str] = set()  # ARNs of executions that ended, their end delivered

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalCloud:
        """Start everything (once: a started cloud is returned as it is)."""

        if self._mock is not None:
            return self
        if self.build_dir is not None:
            # Before anything starts: a missing or stale build is the user's to fix, said in one line.
            check_build(self.template, self.build_dir)
        self._set_env({**_FAKE_CREDENTIALS, **dict.fromkeys(_REAL_AWS_VARIABLES)})
        share_service_models()
        self._mock = mock_aws(
            config={
                # Keep the credentials set above: moto's own pair is public, and the local S3 stand-in
                # verifies signatures with the cloud's secret (random per process).
                "core": {"mock_credentials": False},
                "stepfunctions": {"execute_state_machine": True},
                "lambda": {"use_docker": False},
            }
        )
        self._mock.start()
        self._create_tables()
        self._create_buckets()
        self._create_event_buses()
        self._create_queues()
        self._name_functions()
        self._validate_each_definition_once()
        self._create_state_machines()
        self._collect_functions()
        self._set_env({**_LOCAL_DEFAULTS, **self.shared_environment()})
        self._reset_cached_clients()
        self._apply_log_level()
        self._route_lambda_invokes()
        self._isolate_logger_state()
        self._make_writes_atomic()
        self._wire_s3_notifications()
        self._wire_execution_events()
        self._wire_custom_events()
        if self.build_dir is not None:
            self._start_workers(self.build_dir)
        self._start_queue_pollers()
        return self

    def stop(self) -> None:
        # A step still running (a stopped execution finishes the step in flight) would otherwise run on
        # after the cloud is gone: against the real environment, or the next cloud of this process.
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=STOP_GRACE_SECONDS)
        # The queue pollers first: none may take a message for a handler that is going away.
        self._stop_queue_pollers()
        # moto's classes first (no event reaches a pool being closed), then the workers.
        self._restore_patches()
        self._stop_workers()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        self._reset_cached_clients()
        # Metrics that logic emitted in this process outside any handler (the CLI creates its project
        # itself) are never published locally; left behind, the next handler's flush would fail on them.
        from videogen.observability import metrics  # noqa: PLC0415 - as in _invoke_in_process

        metrics.clear_metrics()

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _set_env(self, values: dict[str, str | None]) -> None:
        for name, value in values.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    @staticmethod
    def _apply_log_level() -> None:
        # The shared logger may exist already (it is created at import): give it the local level.
        from videogen.observability import logger  # noqa: PLC0415 - the layer loads once the cloud has set its environment

        level = os.environ.get("LOG_LEVEL", "WARNING")
        logger.setLevel(level)
        # moto's ASL interpreter logs every Fail state as an error; the project's error says it better.
        if level.upper() != "DEBUG":
            logging.getLogger("moto").setLevel(logging.CRITICAL)

    @staticmethod
    def _reset_cached_clients() -> None:
        from videogen.config import get_config  # noqa: PLC0415 - the layer loads once the cloud has set its environment
        from videogen.dal import events, queues, storage, tables  # noqa: PLC0415 - as above
        from videogen.logic import health  # noqa: PLC0415 - the layer loads once the cloud has set its environment

        get_config.cache_clear()
        tables.forget_connections()
        storage.s3_client.cache_clear()
        events.events_client.cache_clear()
        queues.sqs_client.cache_clear()
        # A new cloud is a new world: the last health report was about the previous one.
        health.forget()

    # ------------------------------------------------------------------ resources
    def _physical_name(self, logical_id: str) -> str:
        return f"{self.template.stack_name}-{logical_id}"

    def _create_tables(self) -> None:
        client = boto3.client("dynamodb", region_name=REGION)
        for logical_id, resource in self.template.resources_of_type("AWS::DynamoDB::Table").items():
            props = self.template.resolve(resource.get("Properties", {}))
            name = props.get("TableName") or self._physical_name(logical_id)
            request: dict[str, Any] = {
                "TableName": name,
                "AttributeDefinitions": props["AttributeDefinitions"],
                "KeySchema": props["KeySchema"],
                "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
            }
            if props.get("GlobalSecondaryIndexes"):
                request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
            if props.get("StreamSpecification"):
                request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
            description = client.create_table(**request)["TableDescription"]
            self.tables[logical_id] = name
            self.template.physical_ids[logical_id] = name
            self.template.attributes[(logical_id, "Arn")] = description["TableArn"]

    def _create_buckets(self) -> None:
        client = boto3.client("s3", region_name=REGION)
        for logical_id in self.template.resources_of_type("AWS::S3::Bucket"):
            props = self.template.resources[logical_id].get("Properties", {})
            name = self.template.resolve(props.get("BucketName")) or self._physical_name(logical_id).lower()
            client.create_bucket(Bucket=name)
            self.buckets[logical_id] = name
            self.template.physical_ids[logical_id] = name
            self.template.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"

    def _create_event_buses(self) -> None:
        client = boto3.client("events", region_name=REGION)
        for logical_id, resource in self.template.resources_of_type("AWS::Events::EventBus").items():
            props = self.template.resolve(resource.get("Properties", {}))
            name = str(props.get("Name") or self._physical_name(logical_id))
            arn = client.create_event_bus(Name=name)["EventBusArn"]
            self.event_buses[logical_id] = name
            self.template.physical_ids[logical_id] = name
            self.template.attributes[(logical_id, "Arn")] = arn
            self.template.attributes[(logical_id, "Name")] = name

    def _create_queues(self) -> None:
        """Each AWS::SQS::Queue: named, URL and ARN known first, then its attributes (a redrive policy
        names another queue)."""
        client = boto3.client("sqs", region_name=REGION)
        declared = self.template.resources_of_type("AWS::SQS::Queue")
        for logical_id in declared:
            name = self._physical_name(logical_id)
            url = client.create_queue(QueueName=name)["QueueUrl"]
            self.queues[logical_id] = url
            self.template.physical_ids[logical_id] = url
            self.template.attributes[(logical_id, "Arn")] = (
                f"arn:aws:sqs:{REGION}:{self.template.account_id}:{name}"
            )
            self.template.attributes[(logical_id, "QueueName")] = name
            self.template.attributes[(logical_id, "QueueUrl")] = url
        for logical_id, resource in declared.items():
            props = self.template.resolve(resource.get("Properties", {}))
            attributes: dict[Any, str] = {
                key: str(props[key])
                for key in ("VisibilityTimeout", "MessageRetentionPeriod")
                if key in props
            }
            if props.get("RedrivePolicy"):
                attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
            if attributes:
                client.set_queue_attributes(QueueUrl=self.queues[logical_id], Attributes=attributes)

    def _name_functions(self) -> None:
        """Names and ARNs first: state machines and environments refer to them."""
        for logical_id in self.template.resources_of_type("AWS::Serverless::Function"):
            name = self._physical_name(logical_id)
            self.template.physical_ids[logical_id] = name
            self.template.attributes[(logical_id, "Arn")] = (
                f"arn:aws:lambda:{REGION}:{self.template.account_id}:function:{name}"
            )

    def _create_state_machines(self) -> None:
        """Each AWS::Serverless::StateMachine: its ASL file with its DefinitionSubstitutions, as SAM does."""
        client = boto3.client("stepfunctions", region_name=REGION)
        for logical_id, resource in self.template.resources_of_type("AWS::Serverless::StateMachine").items():
            props = resource.get("Properties", {})
            text = (self.template.root / str(props["DefinitionUri"])).read_text(encoding="utf-8")
            substitutions = self.template.resolve(props.get("DefinitionSubstitutions") or {})
            for name, value in substitutions.items():
                text = text.replace("${" + name + "}", str(value))
            definition = json.loads(text)
            name = self.template.resolve(props.get("Name")) or self._physical_name(logical_id)
            arn = client.create_state_machine(
                name=name,
                definition=json.dumps(definition),
                roleArn=f"arn:aws:iam::{self.template.account_id}:role/{name}-role",
                type="EXPRESS" if props.get("Type") == "EXPRESS" else "STANDARD",
            )["stateMachineArn"]
            self.state_machines[logical_id] = arn
            self.template.physical_ids[logical_id] = arn
            self.template.attributes[(logical_id, "Arn")] = arn
            self.template.attributes[(logical_id, "Name")] = name

    def _collect_functions(self) -> None:
        globals_ = self.template.function_globals()
        global_env = (globals_.get("Environment") or {}).get("Variables") or {}
        layers_of = self.template.function_layers()
        for logical_id, resource in self.template.resources_of_type("AWS::Serverless::Function").items():
            props = resource.get("Properties", {})
            variables = {**global_env, **((props.get("Environment") or {}).get("Variables") or {})}
            resolved = {key: self.template.resolve(value) for key, value in variables.items()}
            self.functions[logical_id] = LocalFunction(
                logical_id=logical_id,
                name=self.template.physical_ids[logical_id],
                arn=self.template.attributes[(logical_id, "Arn")],
                code_dir=self.template.root / str(props.get("CodeUri", ".")),
                handler=str(props.get("Handler") or globals_.get("Handler")),
                timeout=int(props.get("Timeout") or globals_.get("Timeout") or 3),
                memory=int(props.get("MemorySize") or globals_.get("MemorySize") or 128),
                environment={key: str(value) for key, value in resolved.items() if value is not None},
                events=dict(props.get("Events") or {}),
                layers=tuple(layers_of[logical_id]),
            )

    # ------------------------------------------------------------------ Lambda invokes, in process
    def function_named(self, name_or_arn: str) -> LocalFunction:
        """The function a Lambda invoke names: by name, ARN (optionally qualified) or logical id."""
        name = name_or_arn.split(":function:", 1)[-1].split(":", 1)[0]
        for function in self.functions.values():
            if name in {function.name, function.logical_id}:
                return function
        raise KeyError(f"no function {name_or_arn!r} in the template")

    def invoke_as_lambda(self, name_or_arn: str, payload: bytes | str | None) -> tuple[bytes, bool]:
        """Run a handler the way the Lambda service would: (response payload, whether it failed).

        A failure answers {"errorType", "errorMessage"}, so a state machine sees the exception's class
        name as the error name (what Retry and Catch match), as on AWS.
        """
        function = self.function_named(name_or_arn)
        event = json.loads(payload or b"{}")
        try:
            result = self.invoke(function.logical_id, event)
        except FunctionError as exc:
            return json.dumps(exc.payload()).encode(), True
        except Exception as exc:  # noqa: BLE001 - every failure becomes a Lambda function error
            # Lambda logs an unhandled exception's traceback; ours (the catalogue's) are expected outcomes
            # that the render reports itself, anything else is a bug to be found from its traceback.
            from videogen.exceptions import VideoGeneratorException  # noqa: PLC0415 - the layer loads once the cloud has set its environment

            expected = isinstance(exc, VideoGeneratorException)
            logging.getLogger("videogen_local").log(
                logging.DEBUG if expected else logging.ERROR,
                "%s failed%s",
                function.logical_id,
                "" if expected else " unexpectedly",
                exc_info=True,
            )
            body = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            return json.dumps(body).encode(), True
        return json.dumps(result).encode(), False

    def _route_lambda_invokes(self) -> None:

        cloud = self

        def invoke(  # noqa: PLR0917 - moto's signature
            backend: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
        ) -> bytes:
            payload, failed = cloud.invoke_as_lambda(function_name, body)
            if failed:
                response_headers["x-amz-function-error"] = "Unhandled"
            return payload

        self._patch(LambdaSimpleBackend, "invoke", invoke)

    def shared_environment(self) -> dict[str, str | None]:
        """The environment every function sees. Handlers share this process, so their variables must
        agree; only the service name differs, and locally it is one service."""
        merged: dict[str, str | None] = {}
        for function in self.functions.values():
            for name, value in function.environment.items():
                if name == "POWERTOOLS_SERVICE_NAME" or name in _CLOUD_ONLY:
                    continue
                if name in merged and merged[name] != value:
                    raise ValueError(
                        f"functions disagree on {name}; the local cloud runs them in one process"
                    )
                merged[name] = value
        merged.update(_LOCAL_OVERRIDES)
        merged["ENVIRONMENT"] = "local"
        merged["LOG_LEVEL"] = os.environ.get("VIDEOGEN_LOG_LEVEL", "WARNING")
        return merged

    # ------------------------------------------------------------------ functions
    def function_for_event(self, event_type: str) -> Iterator[tuple[LocalFunction, str, dict[str, Any]]]:
        """Each (function, event name, event properties) of a given event type, e.g. 'Api'."""
        for function in self.functions.values():
            for name, spec in function.events.items():
                if spec.get("Type") == event_type:
                    yield function, name, spec.get("Properties") or {}

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Run a function's handler on an event, as Lambda would: in this process, or (from a build) in
        one of the function's workers.

        Raises:
            FunctionError: from a build, the function failed (Lambda's errorType and errorMessage).
        """
        self._begin_invocation()
        try:
            pool = self.pools.get(logical_id)
            if pool is not None:
                return pool.invoke(event)
            return self._invoke_in_process(self.functions[logical_id], event)
        finally:
            self._end_invocation()

    @staticmethod
    def _invoke_in_process(function: LocalFunction, event: dict[str, Any]) -> Any:
        handler = function.load()
        try:
            return handler(event, LambdaContextStub.of(function))
        finally:
            # Powertools keeps metrics it did not publish (they are disabled locally): drop them.
            from videogen.observability import metrics  # noqa: PLC0415 - the layer loads once the cloud has set its environment

            metrics.clear_metrics()

    def _begin_invocation(self) -> None:
        """Count an invocation that has begun (or will: an asynchronous delivery); ``stop`` waits for all."""
        with self._idle:
            self._in_flight += 1

    def _end_invocation(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    # ------------------------------------------------------------------ functions from the build
    def _start_workers(self, build_dir: Path) -> None:
        """moto's server on loopback (the same backends this process emulates), and a worker pool per
        function of the build: workers start on the first invoke."""

        # moto's server logs every request through werkzeug; the functions' own logs say what happened.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        if self.log_path is None:
            self.log_path = Path(tempfile.mkdtemp(prefix="videogen-functions-")) / "functions.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("a", encoding="utf-8")
        python = lambda_python()
        for logical_id, function in self.functions.items():
            built = BuiltFunction(
                logical_id=logical_id,
                name=function.name,
                arn=function.arn,
                code_dir=build_dir / logical_id,
                layer_dirs=tuple(build_dir / layer for layer in function.layers),
                handler=function.handler,
                timeout=function.timeout,
                memory=function.memory,
                environment=function.environment,
            )
            self.pools[logical_id] = FunctionPool(
                built, python, self._worker_environment(), limit=self.workers_per_function, log=self._log
            )

    def _worker_environment(self) -> dict[str, str]:
        """What a worker gets on top of its template environment: where the AWS APIs are, and the
        credentials Lambda would hand it."""
        env = {
            "AWS_ENDPOINT_URL": str(self.endpoint_url),
            "AWS_ACCESS_KEY_ID": _FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": _FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            "AWS_SESSION_TOKEN": _FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
            "AWS_REGION": REGION,
            **_LOCAL_OVERRIDES,
        }
        if self.presign_endpoint:
            env["VIDEOGEN_PRESIGN_ENDPOINT"] = self.presign_endpoint
        return env

    @property
    def signing_credentials(self) -> tuple[str, str]:
        """The key pair every function of this cloud signs with (presigned links and upload forms)."""
        return _FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"], _FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]

    def set_presign_endpoint(self, url: str | None) -> None:
        """Where presigned links point (the local HTTP server): in this process, and for workers started
        from now on (idle ones are recycled so they learn it)."""
        from videogen.dal import storage  # noqa: PLC0415 - the layer loads once the cloud has set its environment

        storage.set_public_endpoint(url)
        self.presign_endpoint = url
        for pool in self.pools.values():
            pool.set_extra_environment(self._worker_environment())

    def _stop_workers(self) -> None:
        for pool in self.pools.values():
            pool.close()
        self.pools.clear()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._log is not None:
            self._log.close()
            self._log = None

    # ------------------------------------------------------------------ S3 → Lambda notifications
    # SAM turns a function's S3 event into its bucket's NotificationConfiguration; here the same events
    # become moto's bucket notifications. moto delivers them through LambdaFunction.invoke (not the Lambda
    # backend's invoke routed above), only to functions its Lambda backend knows, and swallows every
    # exception there: the functions are registered with moto, and that path runs the in-process handler
    # and logs a failure.
    def _wire_s3_notifications(self) -> None:

        by_bucket: dict[str, list[Any]] = {}
        for function, event_name, spec in self.function_for_event("S3"):
            props = self.template.resolve(spec)
            events = props["Events"]
            configuration: dict[str, Any] = {
                "Id": f"{function.logical_id}{event_name}",
                "LambdaFunctionArn": self._register_with_moto(function),
                "Events": [events] if isinstance(events, str) else list(events),
            }
            rules = ((props.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
            if rules:
                configuration["Filter"] = {
                    "Key": {"FilterRules": [{"Name": rule["Name"], "Value": rule["Value"]} for rule in rules]}
                }
            by_bucket.setdefault(str(props["Bucket"]), []).append(configuration)
        client = boto3.client("s3", region_name=REGION)
        for bucket, configurations in by_bucket.items():
            client.put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": configurations}
            )

        cloud = self
        original = LambdaFunction.invoke

        def invoke(function: Any, body: Any, request_headers: Any, response_headers: Any) -> Any:
            try:
                target = cloud.function_named(function.function_arn)
            except KeyError:
                return original(function, body, request_headers, response_headers)
            cloud.deliver_s3_event(target.logical_id, body)
            return b""

        self._patch(LambdaFunction, "invoke", invoke)

    def _register_with_moto(self, function: LocalFunction) -> str:
        """Create the function in moto's Lambda backend (a placeholder package: the code runs here)."""
        iam = boto3.client("iam", region_name=REGION)
        role = f"{self.template.stack_name}-{function.logical_id}-role"
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w") as archive:
            archive.writestr("placeholder.py", "# the local cloud runs the handler in process\n")
        created = boto3.client("lambda", region_name=REGION).create_function(
            FunctionName=function.name,
            Runtime="python3.13",
            Role=role_arn,
            Handler=function.handler,
            Code={"ZipFile": package.getvalue()},
            Timeout=function.timeout,
            MemorySize=function.memory,
        )
        return str(created["FunctionArn"])

    def deliver_s3_event(self, logical_id: str, body: str | bytes) -> None:
        """Run a function on an S3 notification as Lambda's asynchronous invoke would: nobody waits for
        its answer, and a failure is logged (deployed, Lambda retries it, then the dead-letter queue)."""
        event = json.loads(body)
        for record in event.get("Records", []):
            obj = record.get("s3", {}).get("object", {})
            # S3 leaves "/" unencoded in keys (moto encodes it; a literal "%2F" would arrive as "%252F"),
            # and always sends a sequencer, which orders the events of one key (moto leaves it out).
            obj["key"] = str(obj.get("key", "")).replace("%2F", "/")
            obj.setdefault("sequencer", f"{next(self._sequencer):020X}")
        try:
            self.invoke(logical_id, event)
        except Exception:
            logging.getLogger("videogen_local").exception(
                "%s failed on an S3 event; deployed, Lambda would retry it, then dead-letter it", logical_id
            )

    # ------------------------------------------------------------------ EventBridge: execution status changes
    # Step Functions puts an "Execution Status Change" event on the default bus whenever an execution ends;
    # template.yaml routes some to functions (EventBridgeRule events). moto's interpreter emits none: the
    # moment it records an execution's end, the same event is built here and delivered to every function
    # whose rule's pattern matches, asynchronously, as EventBridge invokes Lambda.
    def _wire_execution_events(self) -> None:

        cloud = self
        original = BaseExecutionWorkerCommunication.terminated
        original_set_error = Environment.set_error

        # On AWS a stopped execution ends ABORTED. moto's interpreter lets the step still in flight, which
        # fails once its frame is stopped, overwrite the stop with States.Runtime: keep the stop.
        def set_error(environment: Any, error: Any) -> None:
            if isinstance(environment.program_state(), ProgramStopped):
                return
            original_set_error(environment, error)

        self._patch(Environment, "set_error", set_error)

        # The same race, one step later: a state that completes just after the stop sets the next state on
        # a stopped program, and moto raises in the execution's thread, which then never records the
        # execution's end (it stayed RUNNING: the flaky "deleting a rendering project" test). The stop wins.
        for name in ("next_state_name", "next_field_name"):
            original_property = Environment.__dict__[name]

            def set_unless_stopped(environment: Any, value: Any, fset: Any = original_property.fset) -> None:
                if isinstance(environment.program_state(), ProgramStopped):
                    return
                fset(environment, value)

            self._patch(Environment, name, property(original_property.fget, set_unless_stopped))

        def terminated(communication: Any) -> None:
            original(communication)
            try:
                cloud.publish_execution_event(communication.execution.to_describe_output())
            except Exception:
                logging.getLogger("videogen_local").exception("Could not deliver an execution's end")
            with cloud._ended:
                cloud._ended_executions.add(communication.execution.exec_arn)
                cloud._ended.notify_all()

        self._patch(BaseExecutionWorkerCommunication, "terminated", terminated)

    def wait_for_execution_end(self, execution_arn: str, timeout: float) -> bool:
        """Wait until the execution has ended (and its end was delivered to the rules that match it), at
        most ``timeout`` seconds; whether it has. A caller that polls the project wakes as soon as the render
        ends, not at its next poll."""
        with self._ended:
            return self._ended.wait_for(lambda: execution_arn in self._ended_executions, timeout)

    def publish_execution_event(self, execution: dict[str, Any]) -> list[str]:
        """Deliver the status change of an execution (DescribeExecution's fields) to the functions whose
        EventBridge rule matches it; returns their logical ids."""
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Step Functions Execution Status Change",
            "source": "aws.states",
            "account": self.template.account_id,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": REGION,
            "resources": [execution["executionArn"]],
            "detail": {
                "executionArn": execution["executionArn"],
                "stateMachineArn": execution["stateMachineArn"],
                "name": execution["name"],
                "status": str(getattr(execution["status"], "value", execution["status"])),
                "startDate": _epoch_millis(execution.get("startDate")),
                "stopDate": _epoch_millis(execution.get("stopDate")),
                "input": execution.get("input"),
                "output": execution.get("output"),
                "error": execution.get("error"),
                "cause": execution.get("cause"),
            },
        }
        return self.deliver_event("default", event)

    def deliver_event(self, bus_name: str, event: dict[str, Any]) -> list[str]:
        """Deliver an event put on ``bus_name`` to every function whose EventBridge rule on that bus matches
        it, asynchronously (as EventBridge invokes Lambda); returns their logical ids."""
        targets = []
        for function, _name, props in self.function_for_event("EventBridgeRule"):
            rule_bus = self.template.resolve(props.get("EventBusName")) or "default"
            if rule_bus != bus_name:
                continue
            if event_matches(self.template.resolve(props.get("Pattern") or {}), event):
                targets.append(function.logical_id)
                self._deliver_async(function.logical_id, event)
        return targets

    # ------------------------------------------------------------------ EventBridge: the stack's own buses
    # moto's PutEvents sends to SQS and log targets of its own rules, never to Lambda: an event put on a bus
    # template.yaml declares is delivered here to the functions whose EventBridgeRule is on that bus.
    def _wire_custom_events(self) -> None:
        cloud = self
        original = EventsBackend.put_events
        ours = set(self.event_buses.values())

        def put_events(backend: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
            entries = original(backend, events)
            for event, entry in zip(events, entries, strict=False):
                bus = str(event.get("EventBusName") or "default").rsplit("/", 1)[-1]
                if "EventId" not in entry or bus not in ours:
                    continue
                message = {
                    "version": "0",
                    "id": entry["EventId"],
                    "detail-type": event["DetailType"],
                    "source": event["Source"],
                    "account": cloud.template.account_id,
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "region": REGION,
                    "resources": list(event.get("Resources") or []),
                    "detail": json.loads(event["Detail"]),
                }
                try:
                    cloud.deliver_event(bus, message)
                except Exception:
                    logging.getLogger("videogen_local").exception("Could not deliver an event of %s", bus)
            return entries

        self._patch(EventsBackend, "put_events", put_events)

    # ------------------------------------------------------------------ SQS event sources
    # Lambda polls a queue for a function with an SQS event: receives a batch, invokes the function, deletes
    # what succeeded (all, or all but its batchItemFailures). Here one thread per such event does the same,
    # with the queue's own visibility timeout and redrive policy (moto's) deciding when a kept message
    # comes back and when it is dead-lettered.
    def _start_queue_pollers(self) -> None:
        self._stop_polling.clear()
        # Clients are made here, one at a time: botocore's session is not thread-safe, and clients made at
        # once from the shared session by several threads failed with "dictionary changed size during
        # iteration". The layer's own cached clients are made here too, before any handler thread runs.
        from videogen.dal import events, queues  # noqa: PLC0415 - the layer loads once the cloud has set its environment

        events.events_client()
        queues.sqs_client()
        for function, name, props in self.function_for_event("SQS"):
            queue_arn = str(self.template.resolve(props.get("Queue")))
            queue_name = queue_arn.rsplit(":", 1)[-1]
            url = next(url for url in self.queues.values() if url.rsplit("/", 1)[-1] == queue_name)
            client = boto3.client("sqs", region_name=REGION)
            thread = threading.Thread(
                target=self._poll_queue,
                args=(client, function, url, queue_arn, int(props.get("BatchSize") or 10)),
                name=f"sqs-{function.logical_id}-{name}",
                daemon=True,
            )
            thread.start()
            self._pollers.append(thread)

    def _stop_queue_pollers(self) -> None:
        self._stop_polling.set()
        for thread in self._pollers:
            thread.join(timeout=5)
        self._pollers.clear()

    def _poll_queue(
        self, client: Any, function: LocalFunction, url: str, queue_arn: str, batch_size: int
    ) -> None:
        log = logging.getLogger("videogen_local")
        while not self._stop_polling.is_set():
            try:
                messages = client.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=min(10, batch_size),
                    MessageSystemAttributeNames=["All"],
                    WaitTimeSeconds=0,
                ).get("Messages", [])
            except Exception:  # noqa: BLE001 - the cloud is stopping, or moto hiccuped: look again
                log.debug("Could not receive from %s", url, exc_info=True)
                messages = []
            if not messages:
                self._stop_polling.wait(0.2)
                continue
            event = {
                "Records": [
                    {
                        "messageId": message["MessageId"],
                        "receiptHandle": message["ReceiptHandle"],
                        "body": message["Body"],
                        "attributes": message.get("Attributes", {}),
                        "messageAttributes": {},
                        "md5OfBody": message.get("MD5OfBody", ""),
                        "eventSource": "aws:sqs",
                        "eventSourceARN": queue_arn,
                        "awsRegion": REGION,
                    }
                    for message in messages
                ]
            }
            try:
                result = self.invoke(function.logical_id, event) or {}
                failed = {item["itemIdentifier"] for item in result.get("batchItemFailures") or []}
            except Exception:
                log.exception(
                    "%s failed on a batch; Lambda would leave every message in the queue", function.logical_id
                )
                continue
            done: list[Any] = [
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(messages)
                if message["MessageId"] not in failed
            ]
            if done:
                client.delete_message_batch(QueueUrl=url, Entries=done)

    def _deliver_async(self, logical_id: str, event: dict[str, Any]) -> None:
        """Invoke a function without waiting, as an asynchronous Lambda invoke (failures are logged)."""
        self._begin_invocation()  # counted now: stop() must wait for a delivery not yet begun

        def deliver() -> None:
            try:
                self.invoke(logical_id, event)
            except Exception:
                logging.getLogger("videogen_local").exception(
                    "%s failed on an event; deployed, EventBridge would retry it", logical_id
                )
            finally:
                self._end_invocation()

        threading.Thread(target=deliver, name=f"event-{logical_id}", daemon=True).start()

    # ------------------------------------------------------------------ one logger state per invocation
    # Deployed, each invocation has its container's logger to itself. Here handlers share this process:
    # an event delivered asynchronously (a render event to DispatchWebhooks, a queued delivery) would clear
    # and set the correlation id of a step running beside it. Each thread gets its own copy of the
    # formatter's keys (each handler starts by clearing its own), so every line keeps its invocation's id.
    def _isolate_logger_state(self) -> None:
        from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter  # noqa: PLC0415 - as below

        local = threading.local()

        def formats() -> dict[int, dict[str, Any]]:
            if not hasattr(local, "formats"):
                local.formats = {}
            return local.formats

        def get(formatter: Any) -> dict[str, Any]:
            mine = formats()
            if id(formatter) not in mine:
                mine[id(formatter)] = dict(formatter.__dict__.get("log_format") or {})
            return mine[id(formatter)]

        def set_(formatter: Any, value: dict[str, Any]) -> None:
            formats()[id(formatter)] = value

        self._patch(LambdaPowertoolsFormatter, "log_format", property(get, set_))

    # ------------------------------------------------------------------ state machine definitions
    # moto parses a definition with its ANTLR grammar to validate it: 0.15 s of every cloud's start (half of
    # it), for the same template.yaml every time. A definition valid once is valid again: each is parsed
    # once per process. Executions still parse their definition themselves.
    _valid_definitions: ClassVar[set[str]] = set()

    def _validate_each_definition_once(self) -> None:
        validate = StepFunctionsParserBackend.__dict__["_validate_definition"].__func__
        known = LocalCloud._valid_definitions

        def validate_once(definition: str) -> None:
            if definition not in known:
                validate(definition=definition)
                known.add(definition)

        self._patch(StepFunctionsParserBackend, "_validate_definition", staticmethod(validate_once))

    # ------------------------------------------------------------------ atomic writes
    # DynamoDB applies a conditional write atomically, and Step Functions starts one execution per name.
    # moto's backends check, then write, without a lock: concurrent callers (duplicate S3 events, parallel
    # Map iterations) could both pass a check. One lock around those writes makes them atomic here too.
    # Reads take it as well, around the whole request (moto serializes a read's answer from the live item
    # after the backend returns it): moto applies an update's SET and REMOVE clauses to the stored item one
    # after the other, so a concurrent read could see half of one (a COMPLETED project still showing its
    # last progress), which DynamoDB, whose item writes are atomic, never shows.
    _ATOMIC_WRITES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        (
            "moto.dynamodb.models",
            "DynamoDBBackend",
            ("put_item", "update_item", "delete_item", "transact_write_items"),
        ),
        (
            # The writes too: moto's handler deep-copies the item it is about to update before the
            # backend's (locked) update, and another thread's update of the same item changed it mid-copy
            # ("dictionary changed size during iteration": parallel steps counting a render's progress).
            "moto.dynamodb.responses",
            "DynamoHandler",
            (
                "get_item",
                "batch_get_item",
                "query",
                "scan",
                "transact_get_items",
                "put_item",
                "update_item",
                "delete_item",
                "transact_write_items",
                "batch_write_item",
            ),
        ),
        ("moto.stepfunctions.parser.models", "StepFunctionsParserBackend", ("start_execution",)),
    )
    _write_lock = threading.RLock()

    def _make_writes_atomic(self) -> None:
        for module_name, class_name, methods in self._ATOMIC_WRITES:
            backend = getattr(importlib.import_module(module_name), class_name)
            for method in methods:
                self._patch(backend, method, _serialized(backend.__dict__[method], self._write_lock))

    # ------------------------------------------------------------------ moto, patched while the cloud runs
    def _patch(self, owner: type, name: str, replacement: Any) -> None:
        """Replace a moto class attribute until ``stop`` (each replacement is undone, last first). One the
        class inherits is shadowed, and the shadow removed again."""
        self._patches.append((owner, name, owner.__dict__.get(name, _INHERITED)))
        setattr(owner, name, replacement)

    def _restore_patches(self) -> None:
        while self._patches:
            owner, name, original = self._patches.pop()
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


_INHERITED = object()


def _epoch_millis(moment: Any) -> int | None:
    return int(moment.timestamp() * 1000) if moment is not None else None


def event_matches(pattern: Any, event: Any) -> bool:
    """Whether an EventBridge event pattern matches an event: every key of the pattern is in the event,
    a list of values matches when the event's value is one of them, nested objects match recursively.
    (The part of the pattern language template.yaml uses; an operator like "prefix" is refused, so a rule
    never silently matches nothing.)"""
    if isinstance(pattern, dict):
        if not isinstance(event, dict):
            return False
        return all(key in event and event_matches(value, event[key]) for key, value in pattern.items())
    if isinstance(pattern, list):
        if any(isinstance(value, (dict, list)) for value in pattern):
            raise ValueError(f"the local cloud does not evaluate the event pattern operator in {pattern!r}")
        values = event if isinstance(event, list) else [event]
        return any(value in pattern for value in values)
    raise ValueError(f"an event pattern's leaves are lists of values, not {pattern!r}")


def _serialized(method: Callable[..., Any], lock: threading.RLock) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return method(*args, **kwargs)

    return call


def started_cloud(from_build: Path | None, stream: TextIO) -> LocalCloud | None:
    """A started local cloud (the commands' way in); None, after saying why on ``stream``, when the build
    it should run from is missing or stale."""
    cloud = LocalCloud(from_build=from_build)
    try:
        return cloud.start()
    except BuildError as exc:
        cloud.stop()
        print(f"videogen: {exc}", file=stream)
        return None


@contextmanager
def local_cloud(template_path: Path | None = None) -> Iterator[LocalCloud]:
    """A started local cloud, stopped on exit."""
    cloud = LocalCloud(template_path)
    cloud.start()
    try:
        yield cloud
    finally:
        cloud.stop()
