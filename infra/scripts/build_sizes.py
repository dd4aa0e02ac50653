"""Print each Lambda function's unzipped size, with its layers, from `sam build` output.

Lambda refuses a function whose code and layers together unzip to more than 250 MiB. A function's layers
are the template's Globals.Function.Layers followed by its own Layers; each function and each layer is a
folder named after its logical id in .aws-sam/build. tests/build/test_function_sizes.py asserts the same
numbers stay under the limit.

Run: python infra/scripts/build_sizes.py [--template template.yaml] [--build-dir .aws-sam/build]
(`make sam-build` runs it last). Needs PyYAML only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: Lambda's hard limit on a function's unzipped code plus all its layers: 250 MiB.
LAMBDA_UNZIPPED_LIMIT = 262_144_000
MIB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
FUNCTION_TYPE = "AWS::Serverless::Function"
LAYER_TYPE = "AWS::Serverless::LayerVersion"


class _CloudFormationLoader(yaml.SafeLoader):
    """A safe loader that reads any CloudFormation short-form tag (!Ref, !Sub, ...) as its long form."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in {"Ref", "Condition"} else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path) -> dict[str, Any]:
    """The template as plain data, short-form intrinsics turned into their long form."""
    with path.open(encoding="utf-8") as handle:
        body = yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(body, dict) or not isinstance(body.get("Resources"), dict):
        raise ValueError(f"{path} is not a CloudFormation template")
    return body


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> list[str]:
    """Logical ids of the template's resources of one type, in template order."""
    return [name for name, res in template["Resources"].items() if res.get("Type") == resource_type]


def function_layers(template: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each function's layers (logical ids): Globals.Function.Layers, then the function's own.

    Raises:
        ValueError: a layer is not a `!Ref` to a layer of this template (its size cannot be measured).
    """
    layers = set(resources_of_type(template, LAYER_TYPE))
    global_layers = template.get("Globals", {}).get("Function", {}).get("Layers", [])
    result: dict[str, list[str]] = {}
    for name in resources_of_type(template, FUNCTION_TYPE):
        own = template["Resources"][name].get("Properties", {}).get("Layers", [])
        refs = []
        for entry in [*global_layers, *own]:
            ref = entry.get("Ref") if isinstance(entry, dict) else None
            if ref not in layers:
                raise ValueError(f"{name}: layer {entry!r} is not a !Ref to a layer in this template")
            refs.append(ref)
        result[name] = refs
    return result


def tree_size(path: Path) -> int:
    """Apparent size in bytes of every file and symlink under ``path`` (what its zip unpacks to).

    Directories count nothing: a zip stores no size for them, and Lambda measures the unzipped content.
    """
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(folder, name)).st_size
    return total


@dataclass(frozen=True)
class FunctionSize:
    """One function's unzipped size: its own folder plus each of its layers' folders."""

    name: str
    own: int
    layers: tuple[tuple[str, int], ...]

    @property
    def layers_total(self) -> int:
        return sum(size for _name, size in self.layers)

    @property
    def total(self) -> int:
        return self.own + self.layers_total

    @property
    def margin(self) -> int:
        """Bytes left under Lambda's limit (negative when over it)."""
        return LAMBDA_UNZIPPED_LIMIT - self.total


def measure(template_path: Path, build_dir: Path) -> list[FunctionSize]:
    """Every function's size from ``build_dir``, in template order.

    Raises:
        FileNotFoundError: a function or layer of the template has no folder in ``build_dir``.
    """
    layers_of = function_layers(load_template(template_path))
    sizes: dict[str, int] = {}

    def size_of(name: str) -> int:
        if name not in sizes:
            folder = build_dir / name
            if not folder.is_dir():
                raise FileNotFoundError(f"{folder} is missing: run `make sam-build`")
            sizes[name] = tree_size(folder)
        return sizes[name]

    return [
        FunctionSize(name, size_of(name), tuple((layer, size_of(layer)) for layer in layers))
        for name, layers in layers_of.items()
    ]


def format_table(rows: list[FunctionSize]) -> str:
    """A fixed-width table in MiB (the limit is 250 MiB = 262,144,000 bytes)."""

    def mib(value: int) -> str:
        return f"{value / MIB:.1f}"

    header = ("function", "own MiB", "layers MiB", "total MiB", "margin MiB", "layers")
    body = [
        (
            row.name,
            mib(row.own),
            mib(row.layers_total),
            mib(row.total),
            mib(row.margin),
            ", ".join(name for name, _size in row.layers),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header) - 1)]
    lines = []
    for line in [header, *body]:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:-1], widths[1:], strict=True)]
        lines.append("  ".join([*cells, line[-1]]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", type=Path, default=ROOT / "template.yaml")
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".aws-sam" / "build")
    args = parser.parse_args(argv)
    rows = measure(args.template, args.build_dir)
    print(f"Unzipped size of each function with its layers (limit {LAMBDA_UNZIPPED_LIMIT:,} bytes):")
    print(format_table(rows))
    over = [row.name for row in rows if row.margin < 0]
    if over:
        print(f"Over Lambda's limit: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
