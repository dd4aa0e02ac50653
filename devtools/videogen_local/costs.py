"""What renders cost, shown to people: the plan and price of one render as a table (``videogen render
--estimate``), and the README's cost section per minute of video, both from ``videogen.domain.costs``.

``python -m videogen_local.costs --write-readme`` rewrites the README's section between its markers;
``--check-readme`` exits 1 when it is stale (a unit test does the same).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from videogen.domain import costs
from videogen.media.segments import segment_size
from videogen.media.timeline import READING_CHARS_PER_SECOND

README = Path(__file__).resolve().parents[2] / "README.md"
START = "<!-- cost-table:start (python -m videogen_local.costs --write-readme) -->"
END = "<!-- cost-table:end -->"

#: The minute of video the README prices: ten scenes of 6 s, each narrated for 5 s at reading speed,
#: every image drawn anew, no segment reused (a first render).
MINUTE_SCENES = 10
MINUTE_SECONDS = 60.0
MINUTE_NARRATION_SECONDS = 50.0
FRAMES = {"720p": (1280, 720), "1080p": (1920, 1080)}


def format_estimate(priced: costs.Estimate) -> str:
    """A render's plan and price as a readable table."""
    shape = priced.shape
    lines = [
        f"Plan: {shape.scenes} scenes, {shape.video_seconds:.1f} s of video at {shape.width}x{shape.height}",
        f"  images:     {shape.images_to_generate} to generate, {shape.images_cached} cached "
        f"({shape.image_provider})",
        f"  narration:  {shape.narration_seconds:.1f} s, {shape.narration_characters} characters "
        f"({shape.voice_provider})",
        f"  segments:   {shape.segments} ({shape.segments_reused} reused)",
        f"  Step Functions: {priced.state_transitions} state transitions",
        "",
        f"{'function':<22}{'invocations':>12}{'seconds':>10}{'memory MB':>11}{'GB-seconds':>12}",
    ]
    lines += [
        f"{use.function:<22}{use.invocations:>12}{use.seconds:>10.2f}{use.memory_mb:>11}{use.gb_seconds:>12.3f}"
        for use in priced.functions
    ]
    lines += ["", f"{'item':<22}{'quantity':>12}  {'unit':<18}{'unit USD':>12}{'USD':>12}"]
    for item in priced.items:
        quantity = _quantity(item.quantity)
        lines.append(f"{item.item:<22}{quantity:>12}  {item.unit:<18}{item.unit_usd:>12.7f}{item.usd:>12.6f}")
    lines.append(f"{'total':<22}{'':>12}  {'':<18}{'':>12}{priced.total_usd:>12.6f}")
    return "\n".join(lines)


def _quantity(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def minute_shape(resolution: str, provider: str, voice: str) -> costs.RenderShape:
    """The README's minute of video at this resolution, drawn by ``provider``, narrated by ``voice``."""
    width, height = FRAMES[resolution]
    return costs.RenderShape(
        scenes=MINUTE_SCENES,
        images_to_generate=MINUTE_SCENES,
        images_cached=0,
        narration_seconds=MINUTE_NARRATION_SECONDS,
        narration_characters=round(MINUTE_NARRATION_SECONDS * READING_CHARS_PER_SECOND),
        video_seconds=MINUTE_SECONDS,
        segments=costs.segment_count(MINUTE_SCENES, segment_size(width, height)),
        segments_reused=0,
        width=width,
        height=height,
        image_provider=provider,
        voice_provider=voice,
    )


def cost_table(prices: costs.Prices = costs.DEFAULT_PRICES) -> str:
    """The README's cost section body: a minute of video per resolution, image provider and voice."""
    rows = [
        "| resolution | images | voice | per minute | images | narration | Lambda | Step Functions | S3 |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for resolution in FRAMES:
        for provider in ("local", "stability", "bedrock"):
            for voice in ("local", "polly"):
                priced = costs.estimate(minute_shape(resolution, provider, voice), prices)
                usd = {item.item: item.usd for item in priced.items}
                lambda_usd = usd["Lambda compute"] + usd["Lambda requests"]
                s3_usd = usd["S3 PUT requests"] + usd["S3 GET requests"]
                rows.append(
                    f"| {resolution} | {provider} | {voice} | **${priced.total_usd:.4f}** "
                    f"| ${usd[f'images ({provider})']:.4f} | ${usd[f'narration ({voice})']:.4f} "
                    f"| ${lambda_usd:.4f} | ${usd['Step Functions']:.4f} | ${s3_usd:.5f} |"
                )
    sample = minute_shape("720p", "local", "local")
    return "\n".join(
        [
            f"A minute of video here is {MINUTE_SCENES} scenes of {MINUTE_SECONDS / MINUTE_SCENES:.0f} s, "
            f"narrated for {MINUTE_NARRATION_SECONDS:.0f} s, every image drawn anew and no segment reused "
            f"(a first render: {sample.segments} segments at 720p, "
            f"{costs.state_transitions(sample)} state transitions). US list prices, us-east-1, on demand.",
            "",
            *rows,
        ]
    )


def readme_with_table(text: str, table: str) -> str:
    """``text`` with the section between the markers replaced by ``table``.

    Raises:
        ValueError: the markers are missing or out of order.
    """
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no {START} ... {END} section")
    return text[: start + len(START)] + "\n" + table + "\n" + text[end:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m videogen_local.costs", description=__doc__)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write-readme", action="store_true", help="rewrite README.md's cost section")
    action.add_argument("--check-readme", action="store_true", help="exit 1 when the section is stale")
    args = parser.parse_args(argv)
    table = cost_table()
    if not (args.write_readme or args.check_readme):
        print(table)
        return 0
    current = README.read_text(encoding="utf-8")
    wanted = readme_with_table(current, table)
    if args.check_readme:
        if wanted != current:
            print("README.md's cost section is stale: run python -m videogen_local.costs --write-readme")
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
