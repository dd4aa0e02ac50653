"""The `sam build` output the local cloud runs with --from-build: is it there and fresh, and does every
function fit Lambda's size limit.

Each function and each layer is a folder named after its logical id in ``.aws-sam/build``. A function's
layers are the template's Globals.Function.Layers followed by its own (``Template.function_layers``).

Run: python -m videogen_local.build [--template template.yaml] [--build-dir .aws-sam/build] prints each
function's unzipped size with its layers, and exits 1 when one is over the limit (`make sam-build` runs it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from videogen_local.template import Template

#: Lambda's hard limit on a function's unzipped code plus all its layers: 250 MiB.
LAMBDA_UNZIPPED_LIMIT = 262_144_000
MIB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


def default_template_path() -> Path:
    """template.yaml of this checkout (this package lives in devtools/videogen_local)."""
    return ROOT / "template.yaml"


def default_build_dir(template_path: Path | None = None) -> Path:
    """Where `make sam-build` puts the build of a template."""
    return (template_path or default_template_path()).parent / ".aws-sam" / "build"


class BuildError(RuntimeError):
    """The build cannot be run: missing, incomplete, or older than the sources."""


#: What `sam build` reads (the template, and the code and layer folders it names): a build older than any
#: of these is stale. The state machine's ASL is not built: the local cloud reads it from the sources.
SOURCE_GLOBS = ("template.yaml", "functions/**/*", "layers/**/*")
_IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}


def newest_source(root: Path, globs: Iterable[str] = SOURCE_GLOBS) -> tuple[float, Path | None]:
    """The newest modification time among the sources a build is made from, and that file."""
    newest, newest_path = 0.0, None
    for pattern in globs:
        for path in root.glob(pattern):
            if not path.is_file() or _IGNORED_PARTS.intersection(path.parts) or path.suffix == ".pyc":
                continue
            if any(part.endswith(".egg-info") for part in path.parts):
                continue
            mtime = path.stat().st_mtime
            if mtime > newest:
                newest, newest_path = mtime, path
    return newest, newest_path


def check_build(template: Template, build_dir: Path) -> None:
    """Raise BuildError, saying what to run, unless ``build_dir`` holds every function and layer of
    ``template`` and is newer than the sources it was built from.

    Raises:
        BuildError: no build, a function or layer missing from it, or a source changed after it was made.
    """
    root = template.root
    logical_ids = template.resources_of_type("AWS::Serverless::Function", "AWS::Serverless::LayerVersion")
    built_template = build_dir / "template.yaml"
    if not built_template.is_file():
        raise BuildError(f"No build at {build_dir}: run `make sam-build` first, then use --from-build.")
    missing = [logical_id for logical_id in logical_ids if not (build_dir / logical_id).is_dir()]
    if missing:
        raise BuildError(
            f"The build at {build_dir} lacks {', '.join(sorted(missing))}: run `make sam-build` again."
        )
    built_at = built_template.stat().st_mtime
    newest, path = newest_source(root)
    if newest > built_at and path is not None:
        raise BuildError(
            f"The build at {build_dir} is older than {path.relative_to(root)}: run `make sam-build` again "
            "(or drop --from-build)."
        )


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


def measure(template: Template, build_dir: Path) -> list[FunctionSize]:
    """Every function's size from ``build_dir``, in template order.

    Raises:
        BuildError: a function or layer of the template has no folder in ``build_dir``.
    """
    sizes: dict[str, int] = {}

    def size_of(name: str) -> int:
        if name not in sizes:
            folder = build_dir / name
            if not folder.is_dir():
                raise BuildError(f"{folder} is missing: run `make sam-build`")
            sizes[name] = tree_size(folder)
        return sizes[name]

    return [
        FunctionSize(name, size_of(name), tuple((layer, size_of(layer)) for layer in layers))
        for name, layers in template.function_layers().items()
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
    parser.add_argument("--template", type=Path, default=default_template_path())
    parser.add_argument("--build-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = measure(Template.load(args.template), args.build_dir or default_build_dir(args.template))
    print(f"Unzipped size of each function with its layers (limit {LAMBDA_UNZIPPED_LIMIT:,} bytes):")
    print(format_table(rows))
    over = [row.name for row in rows if row.margin < 0]
    if over:
        print(f"Over Lambda's limit: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
