"""Publishing the web console's static files to its bucket, and taking them away."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from videogen.dal import site_bucket
from videogen.domain.console import CONFIG_FILE, ConsoleConfig, plan_publish


@dataclass(frozen=True, slots=True)
class Published:
    """What a publication did."""

    written: int
    deleted: int


def site_files(site_dir: Path) -> list[str]:
    """The site's files as keys: paths relative to ``site_dir``, with '/' (dot-files left out).

    Raises:
        FileNotFoundError: ``site_dir`` is not a folder, or has no index.html (an empty or wrong layer
            would otherwise publish an empty site and delete the working one).
    """
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"No console site at {site_dir} (index.html is missing).")
    return sorted(
        path.relative_to(site_dir).as_posix()
        for path in site_dir.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(site_dir).parts)
    )


def publish_site(site_dir: Path, bucket: str, config: ConsoleConfig) -> Published:
    """Copy every file of the site to the bucket with its content type and cache policy, write the
    generated config.json, then delete what the site no longer has.

    Stale files go last, so a browser loading the old page while this runs still finds its files; the
    config goes after the files, so the new config never points at a page that is not there yet.
    """
    plan = plan_publish(site_files(site_dir), site_bucket.list_keys(bucket))
    for upload in plan.uploads:
        body = config.to_json() if upload.key == CONFIG_FILE else (site_dir / upload.key).read_bytes()
        site_bucket.put_site_file(bucket, upload.key, body, upload.content_type, upload.cache_control)
    deleted = site_bucket.delete_keys(bucket, plan.stale)
    return Published(written=len(plan.uploads), deleted=deleted)


def remove_site(bucket: str) -> int:
    """Empty the bucket (every version), so the stack can delete it; returns how many were removed."""
    return site_bucket.empty_bucket(bucket)
