"""N containers of one Lambda function: how Lambda scales, on one machine.

Lambda gives each container one event at a time and answers concurrent requests by running more
containers. The local cloud runs handlers inside its own process, and LocalApiGateway lets one event in at
a time. Threads could not do better: Powertools' resolver keeps the current event on a class attribute
(``BaseRouter.current_event``) that every resolver of the process shares, so two threads would answer each
other's requests, even with the handler module loaded twice under two names. Here each container is a
process of its own: it imports the function's handler from its CodeUri folder (a cold start, with the
function's environment) and reaches the local cloud through moto's server on loopback. The requests of N
containers meet in DynamoDB and Step Functions as deployed, with the local cloud's atomic conditional
writes in between.

Races are made certain, not left to timing: with ``hold_writes``, each container holds its request's first
DynamoDB write until every container holds one. Every request has then read the same state before any of
them writes, and only the conditions of the writes decide who wins.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from videogen_local.cloud import LambdaContextStub, LocalCloud, LocalFunction

_DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
_HOLD_TIMEOUT_SECONDS = 30.0
_PRELOAD = ("boto3", "botocore.client", "pynamodb.models", "pydantic", "aws_lambda_powertools.event_handler")


class _WriteGate:
    """In a container: hold the first DynamoDB write of a request at a barrier shared by all containers."""

    def __init__(self, barrier: Any) -> None:
        self.barrier = barrier
        self.armed = False

    def install(self) -> None:
        from botocore.client import BaseClient

        original: Callable[..., Any] = BaseClient._make_api_call  # type: ignore[attr-defined]
        gate = self

        def make_api_call(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
            if gate.armed and operation_name in _DYNAMODB_WRITES:
                gate.armed = False
                gate.barrier.wait(_HOLD_TIMEOUT_SECONDS)
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = make_api_call  # type: ignore[attr-defined]


def _container_main(
    connection: Connection, function: LocalFunction, environment: dict[str, str], barrier: Any
) -> None:
    """One container: import the handler once, then answer one event at a time until told to stop."""
    os.environ.clear()
    os.environ.update(environment)
    handler = function.load()
    from videogen.observability import metrics

    gate = _WriteGate(barrier)
    gate.install()
    while (message := connection.recv()) is not None:
        event, hold_writes = message
        gate.armed = hold_writes
        try:
            result = handler(event, LambdaContextStub.of(function))
        except Exception as exc:  # noqa: BLE001 - Lambda reports any failure as a function error
            result = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
        finally:
            gate.armed = False
            metrics.clear_metrics()
        connection.send(result)


class LambdaContainers:
    """``count`` warm containers of one function of a started LocalCloud; ``invoke`` is thread-safe."""

    def __init__(self, cloud: LocalCloud, logical_id: str, count: int) -> None:
        self.cloud = cloud
        self.function = cloud.functions[logical_id]
        self.count = count
        self.hold_writes = False
        self._server: Any = None
        self._barrier: Any = None
        self._idle: queue.Queue[Connection] = queue.Queue()
        self._processes: list[Any] = []
        self._connections: list[Connection] = []

    def __enter__(self) -> LambdaContainers:
        # Imported here: containers import this module too, and need no moto.
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer

        # moto's server logs every request through werkzeug's logger.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        environment = {**os.environ, "AWS_ENDPOINT_URL": f"http://{host}:{port}"}
        # forkserver: each container forks from a fresh interpreter that has imported the heavy libraries
        # once (fork from this process would copy its moto mock and its threads); the handler module
        # itself is imported in each container, its cold start.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(_PRELOAD))
        # Kept by this object: the containers open the barrier's semaphore by name after start() returns.
        self._barrier = context.Barrier(self.count)
        for _ in range(self.count):
            parent, child = context.Pipe()
            process = context.Process(
                target=_container_main, args=(child, self.function, environment, self._barrier), daemon=True
            )
            process.start()
            child.close()
            self._processes.append(process)
            self._connections.append(parent)
            self._idle.put(parent)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for connection in self._connections:
            with contextlib.suppress(OSError):  # a container that died has nothing to be told
                connection.send(None)
        for process in self._processes:
            process.join(10)
            if process.is_alive():
                process.kill()
        if self._server is not None:
            self._server.stop()

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Run the event in an idle container (waiting for one), as Lambda's synchronous invoke would."""
        if logical_id != self.function.logical_id:
            raise KeyError(f"these containers run {self.function.logical_id}, not {logical_id}")
        connection = self._idle.get()
        try:
            connection.send((event, self.hold_writes))
            return connection.recv()
        finally:
            self._idle.put(connection)

    @contextlib.contextmanager
    def holding_writes(self) -> Iterator[LambdaContainers]:
        """Within: every container holds its request's first DynamoDB write until all of them hold one."""
        self.hold_writes = True
        try:
            yield self
        finally:
            self.hold_writes = False

    def warm_up(self, event: dict[str, Any]) -> list[Any]:
        """Give every container the same event at once (before any other use): a cold start each."""
        for connection in self._connections:
            connection.send((event, False))
        return [connection.recv() for connection in self._connections]
