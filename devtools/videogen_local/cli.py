"""The videogen command: run the service on one machine, on the embedded local cloud."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from videogen.domain.enums import StopAfter
from videogen_local.api_keys import DEFAULT_OWNER, KeyStore
from videogen_local.build import default_build_dir
from videogen_local.process import exit_with, tune_collector


def _serve(args: argparse.Namespace) -> int:
    # Commands that start a cloud load it, moto and the layer (~0.47 s): `videogen keys` and --help do not.
    from videogen_local.cloud import started_cloud  # noqa: PLC0415
    from videogen_local.server import LocalApiGateway, LocalApiServer  # noqa: PLC0415

    keys = KeyStore()
    if keys.is_empty():
        key = keys.add(DEFAULT_OWNER)
        print(f"Created an API key for owner {DEFAULT_OWNER!r} (shown once, keep it):\n  {key}")
    cloud = started_cloud(args.from_build, sys.stderr)
    if cloud is None:
        return 2
    with cloud:
        if cloud.build_dir is not None:
            print(f"Functions run from {cloud.build_dir}; their logs: {cloud.log_path}")
        try:
            server = LocalApiServer(LocalApiGateway(cloud, keys), args.host, args.port, verbose=args.verbose)
        except OSError as exc:
            print(f"videogen: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
            return 2
        print(f"videogen API on {server.base_url}  (data lives as long as this process; Ctrl-C stops)")
        print(f'  curl -H "Authorization: Bearer <key>" {server.base_url}/projects')
        print(f"videogen console, signed in as {args.owner} (the link works once, for an hour):")
        print(f"  {server.signin_url(args.owner)}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nStopped.")
        finally:
            server.server_close()
    return 0


def _keys_add(args: argparse.Namespace) -> int:
    try:
        print(KeyStore().add(args.owner))
    except ValueError as exc:
        print(f"videogen: {exc}", file=sys.stderr)
        return 2
    return 0


def _keys_list(args: argparse.Namespace) -> int:
    for owner in KeyStore().owners():
        print(owner)
    return 0


def _render(args: argparse.Namespace) -> int:
    from videogen_local.render import run_render_command  # noqa: PLC0415 - loads the cloud, as _serve says

    if args.from_manifest:
        return _reproduce(args)
    if not args.script:
        print("videogen render: give a script, or --from-manifest MANIFEST", file=sys.stderr)
        return 2

    overrides = {
        name: value
        for name, value in {
            "aspect_ratio": args.aspect,
            "resolution": args.resolution,
            "fps": args.fps,
            "image_provider": args.provider,
            "seed": args.seed,
            "style": args.style,
            "voice": args.voice,
            "captions": args.captions,
            "caption_position": args.caption_position,
            "caption_size": args.caption_size,
            "caption_outline": args.caption_outline,
        }.items()
        if value is not None
    }
    output = Path(args.output) if args.output else None
    music = Path(args.music) if args.music else None
    return run_render_command(
        Path(args.script),
        output,
        overrides,
        sys.stderr,
        music=music,
        find_music_beside=args.music is not False,
        from_build=args.from_build,
        estimate=args.estimate,
        stop_after=StopAfter(args.stop_after) if args.stop_after else None,
    )


def _reproduce(args: argparse.Namespace) -> int:
    from videogen_local.reproduce import run_manifest_command  # noqa: PLC0415 - loads the cloud, as _serve says

    if args.script:
        print(
            "videogen render: a script or --from-manifest, not both (the manifest holds its script)",
            file=sys.stderr,
        )
        return 2
    return run_manifest_command(
        Path(args.from_manifest),
        Path(args.output) if args.output else None,
        sys.stderr,
        sys.stderr,
        music=Path(args.music) if args.music else None,
        pictures=Path(args.pictures) if args.pictures else None,
        from_build=args.from_build,
    )


def _watch(args: argparse.Namespace) -> int:
    from videogen_local.watch import run_watch_command  # noqa: PLC0415 - loads the cloud, as _serve says

    return run_watch_command(
        Path(args.root), args.owner, args.interval, sys.stdout, from_build=args.from_build
    )


def _image(args: argparse.Namespace) -> int:
    from videogen_local.image import run_image_command  # noqa: PLC0415 - Pillow loads only for this command

    try:
        return run_image_command(
            args.prompt,
            Path(args.output),
            sys.stdout,
            style=args.style,
            seed=args.seed,
            aspect=args.aspect,
            size=args.size,
        )
    except ValueError as exc:
        print(f"videogen image: {exc}", file=sys.stderr)
        return 2


def _add_from_build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from-build",
        nargs="?",
        type=Path,
        const=default_build_dir(),
        default=None,
        metavar="DIR",
        help="run every function from its `make sam-build` artifact (default DIR .aws-sam/build), each in "
        "its own process as Lambda runs it",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="videogen", description="Script in, video out — on one machine.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="serve the API (/v1) and the web console (/) on localhost on the embedded local cloud"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    serve.add_argument("--verbose", action="store_true", help="log every HTTP request")
    serve.add_argument(
        "--owner",
        default=DEFAULT_OWNER,
        help=f"whom the printed console link signs in as (default {DEFAULT_OWNER})",
    )
    _add_from_build(serve)
    serve.set_defaults(func=_serve)

    render = commands.add_parser(
        "render", help="render a script to MP4 (+ .srt, .vtt, .jpg) through the local state machine"
    )
    render.add_argument("script", nargs="?", help="the script: .md, .txt, .fountain or .json")
    render.add_argument(
        "--from-manifest",
        metavar="MANIFEST",
        help="render again what a render's manifest.json describes (its script, settings and seed) and say "
        "whether the video came out byte for byte the same",
    )
    render.add_argument(
        "--pictures",
        metavar="DIR",
        help="with --from-manifest: the folder the script's own pictures are in, by the paths the script "
        "gives (default: the manifest's folder); each must be the file the manifest's SHA-256 names",
    )
    render.add_argument("-o", "--output", help="the MP4 to write (default: SCRIPT's name .mp4 here)")
    render.add_argument("--aspect", choices=["16:9", "9:16", "1:1"], help="frame shape")
    render.add_argument("--resolution", choices=["480p", "720p", "1080p"], help="frame size")
    render.add_argument("--fps", type=int, choices=[24, 25, 30], help="frames per second")
    render.add_argument("--provider", choices=["local", "stability", "bedrock"], help="image provider")
    render.add_argument("--seed", type=int, help="image seed (0-4294967295)")
    render.add_argument("--style", help="visual style for every image, e.g. 'watercolor'")
    render.add_argument("--voice", help="narrator: local, local:<voice>, polly, polly:<Voice> or none")
    music = render.add_mutually_exclusive_group()
    music.add_argument(
        "--music",
        metavar="FILE",
        help="background music (default: the script's music:, or SCRIPT's name .mp3/.m4a/.wav/... beside it)",
    )
    music.add_argument(
        "--no-music", dest="music", action="store_false", help="no music, even if one lies beside the script"
    )
    render.add_argument(
        "--captions",
        action=argparse.BooleanOptionalAction,
        help="burn captions into the picture (--no-captions: only the .srt/.vtt files)",
    )
    render.add_argument(
        "--estimate",
        action="store_true",
        help="print the render's plan and price (as POST /renders?dry_run=true) and render nothing",
    )
    render.add_argument(
        "--stop-after",
        choices=[choice.value for choice in StopAfter],
        help="images: make the stills and SCRIPT.storyboard.jpg (a contact sheet) only, no video",
    )
    render.add_argument("--caption-position", choices=["bottom", "middle", "top"], help="where captions sit")
    render.add_argument("--caption-size", choices=["small", "medium", "large"], help="caption text size")
    render.add_argument(
        "--caption-outline",
        choices=["none", "thin", "medium", "thick", "box"],
        help="caption outline width, or box: a dark box behind the text",
    )
    _add_from_build(render)
    render.set_defaults(func=_render)

    image = commands.add_parser(
        "image", help="draw one picture with the offline illustrator and print what it drew (its motifs)"
    )
    image.add_argument("prompt", help="what the picture shows, as a scene's image prompt would say it")
    image.add_argument(
        "--style",
        default="",
        help="flat, watercolor, ink, neon or noir, or a style text naming one (default flat)",
    )
    image.add_argument("--seed", type=int, default=0, help="image seed (default 0)")
    image.add_argument("--aspect", choices=["16:9", "9:16", "1:1"], default="16:9", help="frame shape (720p)")
    image.add_argument(
        "--size", metavar="WxH", help="exact size in pixels, 16 to 2048 a side (overrides --aspect)"
    )
    image.add_argument("-o", "--output", required=True, help="the PNG to write")
    image.set_defaults(func=_image)

    keys = commands.add_parser("keys", help="manage local API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    add = key_commands.add_parser("add", help="create a key for an owner and print it")
    add.add_argument("owner", help="the owner id the key acts as")
    add.set_defaults(func=_keys_add)
    listing = key_commands.add_parser("list", help="list the owners that have keys")
    listing.set_defaults(func=_keys_list)

    watch = commands.add_parser("watch", help="render scripts dropped into ROOT/inbox/ into ROOT/outbox/")
    watch.add_argument("root", nargs="?", default="dropbox", help="the drop folder (default ./dropbox)")
    watch.add_argument(
        "--owner", default=DEFAULT_OWNER, help=f"whose scripts they are (default {DEFAULT_OWNER})"
    )
    watch.add_argument("--interval", type=float, default=1.0, help="seconds between scans (default 1)")
    _add_from_build(watch)
    watch.set_defaults(func=_watch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


def run() -> None:
    """The `videogen` command in a process of its own (the console script): ``main`` with the collector
    set up for the local cloud's heap (see ``videogen_local.process``)."""
    tune_collector()
    exit_with(main())


if __name__ == "__main__":
    run()
