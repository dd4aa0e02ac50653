"""Write or check the committed OpenAPI document (infra/openapi.json) against the resolver."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from videogen.api.app import create_app, openapi_json


def current_document() -> str:
    """The OpenAPI document as the code describes it today, with a trailing newline."""
    return openapi_json(create_app()).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, metavar="FILE", help="write the document")
    mode.add_argument("--check", type=Path, metavar="FILE", help="fail if FILE differs from the code")
    args = parser.parse_args(argv)
    document = current_document()
    if args.write:
        args.write.write_text(document, encoding="utf-8")
        print(f"wrote {args.write}")
        return 0
    committed = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
    if committed == document:
        print(f"{args.check} matches the API")
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(), document.splitlines(), str(args.check), "generated", lineterm="", n=2
    )
    print("\n".join(list(diff)[:80]), file=sys.stderr)
    print(f"{args.check} is out of date: run `make openapi` and commit it.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
