"""The API function called as API Gateway calls it, and what a test reads back from it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.support.paths import load_event
from tests.support.waiting import wait_until
from videogen_local.cloud import LocalCloud


@dataclass
class ApiResult:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def error_code(self) -> str:
        return str(self.body["error"]["code"])


class ApiCaller:
    """Calls the API function with the proxy event API Gateway sends, as a given owner."""

    def __init__(self, cloud: LocalCloud, owner: str | None, claims: dict[str, Any] | None = None) -> None:
        self.cloud = cloud
        self.owner = owner
        self.claims = dict(claims or {})

    def as_owner(self, owner: str | None) -> ApiCaller:
        return ApiCaller(self.cloud, owner)

    def with_claims(self, **claims: Any) -> ApiCaller:
        """The same owner with more verified claims, e.g. ``**{"cognito:groups": "paid-providers"}``."""
        return ApiCaller(self.cloud, self.owner, {**self.claims, **claims})

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw_body: str | None = None,
    ) -> ApiResult:
        event = load_event("apigw_rest_proxy.json")
        event["httpMethod"] = method
        event["path"] = path
        event["pathParameters"] = {"proxy": path.lstrip("/")}
        event["requestContext"]["httpMethod"] = method
        event["requestContext"]["path"] = f"/v1{path}" + (f"?{urlencode(query)}" if query else "")
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
        event["headers"] = {**event["headers"], "Content-Type": "application/json", **(headers or {})}
        if self.owner is None:
            event["requestContext"]["authorizer"] = None
        else:
            event["requestContext"]["authorizer"]["claims"]["sub"] = self.owner
            event["requestContext"]["authorizer"]["claims"].update(self.claims)
        if raw_body is not None:
            event["body"] = raw_body
        elif body is not None:
            event["body"] = json.dumps(body)
        result = self.cloud.invoke("ApiFunction", event)
        headers_out = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
        headers_out.update(result.get("headers") or {})
        text = result.get("body") or ""
        return ApiResult(int(result["statusCode"]), headers_out, json.loads(text) if text else None)

    def get(self, path: str, **kwargs: Any) -> ApiResult:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> ApiResult:
        return self.request("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> ApiResult:
        return self.request("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> ApiResult:
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResult:
        return self.request("DELETE", path, **kwargs)


#: The statuses a render ends in.
ENDED = frozenset({"COMPLETED", "FAILED"})


def wait_for_render(
    api: ApiCaller, project_id: str, timeout: float = 90, poll: float = 0.2
) -> dict[str, Any]:
    """The project once its render has ended (COMPLETED or FAILED); AssertionError after ``timeout`` s."""

    def ended() -> dict[str, Any] | None:
        project = api.get(f"/projects/{project_id}").body
        return dict(project) if project["status"] in ENDED else None

    return wait_until(ended, timeout, poll, f"the render of {project_id} to end")
