"""Read template.yaml the way CloudFormation would, enough to build the local cloud from it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TAGS = {
    "!Ref": "Ref",
    "!Sub": "Fn::Sub",
    "!GetAtt": "Fn::GetAtt",
    "!If": "Fn::If",
    "!Equals": "Fn::Equals",
    "!Not": "Fn::Not",
    "!And": "Fn::And",
    "!Or": "Fn::Or",
    "!Join": "Fn::Join",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!FindInMap": "Fn::FindInMap",
    "!GetAZs": "Fn::GetAZs",
    "!ImportValue": "Fn::ImportValue",
    "!Base64": "Fn::Base64",
    "!Condition": "Condition",
}


class _TemplateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that reads CloudFormation's short-form intrinsic tags as their long form (libyaml's,
    where PyYAML has it: a local cloud starts for every test, and the pure-Python reader took 0.12 s)."""


def _make_constructor(name: str) -> Any:
    def construct(loader: Any, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    return construct


for _tag, _name in _TAGS.items():
    _TemplateLoader.add_constructor(_tag, _make_constructor(_name))


class TemplateError(ValueError):
    """The template uses something the local cloud cannot evaluate."""


@dataclass
class Template:
    """A loaded template plus the values its intrinsic functions resolve to locally."""

    path: Path
    body: dict[str, Any]
    stack_name: str = "videogen-local"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    physical_ids: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, **kwargs: Any) -> Template:
        with path.open(encoding="utf-8") as handle:
            body = yaml.load(handle, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader subclass
        if not isinstance(body, dict) or "Resources" not in body:
            raise TemplateError(f"{path} is not a CloudFormation template")
        return cls(path=path, body=body, **kwargs)

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.body["Resources"])

    def resources_of_type(self, *types: str) -> dict[str, dict[str, Any]]:
        return {name: res for name, res in self.resources.items() if res.get("Type") in types}

    def function_globals(self) -> dict[str, Any]:
        return dict((self.body.get("Globals") or {}).get("Function") or {})

    def function_layers(self) -> dict[str, list[str]]:
        """Each function's layers (logical ids) as SAM gives them: Globals.Function.Layers, then its own.

        Raises:
            TemplateError: a layer is not a ``!Ref`` to a layer of this template (the local cloud can run,
                and the build can measure, only layers it builds).
        """
        known = set(self.resources_of_type("AWS::Serverless::LayerVersion"))
        shared = self.function_globals().get("Layers") or []
        result: dict[str, list[str]] = {}
        for name, resource in self.resources_of_type("AWS::Serverless::Function").items():
            own = (resource.get("Properties") or {}).get("Layers") or []
            refs = []
            for entry in [*shared, *own]:
                ref = entry.get("Ref") if isinstance(entry, dict) and len(entry) == 1 else None
                if ref not in known:
                    raise TemplateError(f"{name}: layer {entry!r} is not a !Ref to a layer of this template")
                refs.append(str(ref))
            result[name] = refs
        return result

    # ------------------------------------------------------------------ intrinsic functions
    def parameter(self, name: str) -> str:
        if name in self.parameter_overrides:
            return self.parameter_overrides[name]
        spec = (self.body.get("Parameters") or {}).get(name)
        if spec is None or "Default" not in spec:
            raise TemplateError(f"parameter {name} has no default and no local value")
        return str(spec["Default"])

    def pseudo(self, name: str) -> str | None:
        return {
            "AWS::Region": self.region,
            "AWS::StackName": self.stack_name,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }.get(name, "")

    def ref(self, name: str) -> str | None:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in (self.body.get("Parameters") or {}):
            return self.parameter(name)
        if name in self.physical_ids:
            return self.physical_ids[name]
        if name in self.resources:
            raise TemplateError(f"{name} has no local physical id yet (create it first)")
        raise TemplateError(f"unknown reference {name}")

    def get_att(self, resource: str, attribute: str) -> str:
        if (resource, attribute) in self.attributes:
            return self.attributes[(resource, attribute)]
        raise TemplateError(f"{resource}.{attribute} is not known locally")

    def condition(self, name: str) -> bool:
        spec = (self.body.get("Conditions") or {}).get(name)
        if spec is None:
            raise TemplateError(f"unknown condition {name}")
        return bool(self.resolve(spec))

    def _sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return self.get_att(resource, attribute)
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def resolve(self, value: Any) -> Any:
        """Evaluate the intrinsic functions in a value, recursively."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value if item != {"Ref": "AWS::NoValue"}]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                resource, attribute = arg if isinstance(arg, list) else str(arg).split(".", 1)
                return self.get_att(resource, attribute)
            if key == "Fn::Sub":
                if isinstance(arg, list):
                    return self._sub(arg[0], arg[1])
                return self._sub(arg, {})
            if key == "Fn::If":
                name, yes, no = arg
                return self.resolve(yes if self.condition(name) else no)
            if key == "Fn::Equals":
                left, right = (self.resolve(item) for item in arg)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::And":
                return all(self.resolve(item) for item in arg)
            if key == "Fn::Or":
                return any(self.resolve(item) for item in arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Join":
                separator, items = arg
                return str(separator).join(str(item) for item in self.resolve(items))
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(self.resolve(index))]
            if key == "Fn::Split":
                separator, text = arg
                return str(self.resolve(text)).split(separator)
            if key.startswith("Fn::"):
                raise TemplateError(f"{key} is not supported by the local cloud")
        return {key: self.resolve(item) for key, item in value.items()}
