"""A scene's own picture on the API: a presigned upload, checked by the InspectPicture function (Pillow),
then attached to the scene instead of a generated image."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import zlib
from typing import Any

import boto3
import pytest
from PIL import Image

from tests.support.api import ApiCaller
from tests.support.cloud import bucket_keys, force_status
from tests.support.uploads import store_as_posted
from videogen.domain.enums import ProjectStatus
from videogen.domain.limits import MAX_PICTURE_BYTES

SCRIPT = "## Dawn\nThe harbour wakes.\n\n## Noon\nThe boats are out.\n"


def _project(api: ApiCaller, script: str = SCRIPT) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": script, "settings": {"voice": "none"}})
    assert created.status == 201, created.body
    return str(created.body["id"])


def _offer(api: ApiCaller, project_id: str, scene: int = 2, **overrides: Any) -> dict[str, Any]:
    body = {"filename": "port à l'aube.jpg", "content_type": "image/jpeg", "size": 20_000, **overrides}
    result = api.post(f"/projects/{project_id}/scenes/{scene}/picture/uploads", body)
    assert result.status == 201, result.body
    return dict(result.body)


def _upload(api: ApiCaller, offer: dict[str, Any], data: bytes) -> None:
    store_as_posted(api.cloud, offer, data)


def _jpeg(size: tuple[int, int] = (640, 360), colour: tuple[int, int, int] = (200, 40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def _bomb() -> bytes:
    """A small PNG whose header claims 30000 x 30000 pixels (900 MP): decoded, it would take 2.7 GB."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = struct.pack(">II", 30000, 30000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _attach(api: ApiCaller, project_id: str, data: bytes, scene: int = 2, **offer: Any) -> Any:
    made = _offer(api, project_id, scene, **offer)
    _upload(api, made, data)
    return api.put(f"/projects/{project_id}/scenes/{scene}/picture", {"upload_id": made["upload_id"]})


def _read_json(api: ApiCaller, key: str) -> dict[str, Any]:
    body = boto3.client("s3", region_name="us-east-1").get_object(
        Bucket=api.cloud.buckets["MediaBucket"], Key=key
    )["Body"]
    return dict(json.loads(body.read()))


def test_upload_offer_is_a_presigned_post_whose_policy_pins_key_type_and_size(api: ApiCaller) -> None:
    project_id = _project(api)

    offer = _offer(api, project_id, content_type="image/png", filename="dawn.png")

    fields = offer["fields"]
    assert fields["key"] == f"uploads/{project_id}/{offer['upload_id']}"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, MAX_PICTURE_BYTES] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    assert offer["max_bytes"] == MAX_PICTURE_BYTES == 20 * 2**20


@pytest.mark.parametrize(
    ("overrides", "reason", "message"),
    [
        ({"size": MAX_PICTURE_BYTES + 2**20}, "too_large", "21.0 MB; the limit is 20 MB"),
        ({"content_type": "image/gif"}, "unsupported_type", "upload a JPEG, PNG or WebP"),
        ({"content_type": "video/mp4"}, "unsupported_type", "upload a JPEG, PNG or WebP"),
    ],
)
def test_upload_offer_for_too_large_or_not_a_picture_type_is_422_invalid_picture(
    api: ApiCaller, overrides: dict[str, Any], reason: str, message: str
) -> None:
    project_id = _project(api)
    body = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 1000, **overrides}

    result = api.post(f"/projects/{project_id}/scenes/1/picture/uploads", body)

    assert result.status == 422
    assert result.error_code == "INVALID_PICTURE"
    assert result.body["error"]["details"]["reason"] == reason
    assert message in result.body["error"]["message"]


def test_attach_makes_the_picture_the_scenes_image_with_its_provenance(api: ApiCaller) -> None:
    project_id = _project(api)
    data = _jpeg()

    attached = _attach(api, project_id, data)

    assert attached.status == 200, attached.body
    scene = attached.body
    digest = hashlib.sha256(data).hexdigest()
    assert (scene["number"], scene["picture_name"], scene["picture_sha256"]) == (
        2,
        "port à l'aube.jpg",
        digest,
    )
    assert (scene["image_provider"], scene["image_model"], scene["image_stale"]) == ("user", "picture", False)
    assert attached.headers["ETag"] == f'"v{scene["version"]}"'
    stored = f"projects/{project_id}/images/picture-{digest[:32]}.png"
    keys = bucket_keys(api.cloud)
    assert keys == [stored, f"{stored}.json"]  # the upload is gone; the picture and its record stay
    record = _read_json(api, f"{stored}.json")
    assert (record["source"], record["provider"], record["cache_key"]) == ("user picture", "user", stored)
    assert record["picture"] == {
        "name": "port à l'aube.jpg",
        "sha256": digest,
        "format": "JPEG",
        "width": 640,
        "height": 360,
        "size": len(data),
    }
    other = api.get(f"/projects/{project_id}/scenes/1").body
    assert (other["picture_name"], other["image_provider"]) == (None, None)


def test_dry_run_prices_no_image_for_a_scene_with_its_own_picture(api: ApiCaller) -> None:
    project_id = _project(api)
    before = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"})
    assert _attach(api, project_id, _jpeg()).status == 200

    after = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"})

    assert before.status == after.status == 200, after.body
    assert before.body["plan"]["images_to_generate"] == 2
    assert after.body["plan"]["images_to_generate"] == 1
    assert after.body["plan"]["images_cached"] == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html>not a picture</html>\n" * 100, "not_an_image"),
        (_jpeg((40, 40)), "too_small"),
        (_jpeg((2000, 100)), "extreme_shape"),
        (_bomb(), "too_many_pixels"),
    ],
)
def test_attach_of_an_unusable_file_is_422_and_leaves_the_scene_as_it_was(
    api: ApiCaller, data: bytes, reason: str
) -> None:
    project_id = _project(api)
    before = api.get(f"/projects/{project_id}/scenes/2").body

    result = _attach(api, project_id, data)

    assert result.status == 422, result.body
    assert result.error_code == "INVALID_PICTURE"
    assert result.body["error"]["details"]["reason"] == reason
    assert bucket_keys(api.cloud) == []  # the refused upload is deleted, nothing is stored
    assert api.get(f"/projects/{project_id}/scenes/2").body == before


def test_attach_of_an_animated_gif_is_422(api: ApiCaller) -> None:
    project_id = _project(api)
    frames = [Image.new("RGB", (200, 200), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    # (S3's policy would refuse image/gif at upload; a file posted as image/jpeg is decoded all the same)
    result = _attach(api, project_id, out.getvalue())

    assert result.status == 422
    assert result.body["error"]["details"]["reason"] == "unsupported_type"
    assert "GIF" in result.body["error"]["message"]


def test_attach_before_the_upload_arrived_is_409_upload_not_received(api: ApiCaller) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id)

    result = api.put(f"/projects/{project_id}/scenes/2/picture", {"upload_id": offer["upload_id"]})

    assert result.status == 409
    assert result.error_code == "UPLOAD_NOT_RECEIVED"


@pytest.mark.parametrize("scene", ["3", "0", "x", "99999"])
def test_picture_routes_of_a_scene_that_does_not_exist_are_404(api: ApiCaller, scene: str) -> None:
    project_id = _project(api)
    body = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 1000}

    offer = api.post(f"/projects/{project_id}/scenes/{scene}/picture/uploads", body)
    attach = api.put(f"/projects/{project_id}/scenes/{scene}/picture", {"upload_id": "0" * 32})
    removal = api.delete(f"/projects/{project_id}/scenes/{scene}/picture")

    assert (offer.status, attach.status, removal.status) == (404, 404, 404)


def test_pictures_cannot_change_while_a_render_runs(api: ApiCaller) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id)
    _upload(api, offer, _jpeg())
    force_status(project_id, ProjectStatus.RENDERING.value)

    attach = api.put(f"/projects/{project_id}/scenes/2/picture", {"upload_id": offer["upload_id"]})
    removal = api.delete(f"/projects/{project_id}/scenes/2/picture")

    assert (attach.status, removal.status) == (409, 409)
    assert bucket_keys(api.cloud) == [f"uploads/{project_id}/{offer['upload_id']}"]


def test_delete_gives_the_scene_back_to_generated_images(api: ApiCaller) -> None:
    project_id = _project(api)
    assert _attach(api, project_id, _jpeg()).status == 200

    first = api.delete(f"/projects/{project_id}/scenes/2/picture")
    second = api.delete(f"/projects/{project_id}/scenes/2/picture")

    assert (first.status, second.status) == (200, 200)
    scene = second.body
    assert (scene["picture_name"], scene["picture_sha256"], scene["image_provider"]) == (None, None, None)
    assert scene["image_stale"] is True
    plan = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"}).body["plan"]
    assert plan["images_to_generate"] == 2


def test_editing_a_scene_that_shows_a_picture_keeps_the_picture(api: ApiCaller) -> None:
    project_id = _project(api)
    attached = _attach(api, project_id, _jpeg())
    assert attached.status == 200

    edited = api.patch(
        f"/projects/{project_id}/scenes/2",
        {"narration": "The boats are far out now.", "image_prompt": "Boats on the horizon"},
        headers={"If-Match": attached.headers["ETag"]},
    )

    assert edited.status == 200, edited.body
    scene = edited.body
    assert (scene["picture_sha256"], scene["image_provider"], scene["image_stale"]) == (
        attached.body["picture_sha256"],
        "user",
        False,
    )
    plan = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"}).body["plan"]
    assert (plan["images_to_generate"], plan["images_cached"]) == (1, 1)


def test_the_same_file_on_two_scenes_is_stored_once(api: ApiCaller) -> None:
    project_id = _project(api)
    data = _jpeg()

    first = _attach(api, project_id, data, scene=1)
    second = _attach(api, project_id, data, scene=2)

    assert (first.status, second.status) == (200, 200)
    assert len([key for key in bucket_keys(api.cloud) if key.endswith(".png")]) == 1
    # the second answer comes from the stored picture's record, not a second decode: the same file
    assert second.body["picture_sha256"] == first.body["picture_sha256"] == hashlib.sha256(data).hexdigest()


def test_a_script_naming_a_picture_waits_for_its_upload_before_a_render(api: ApiCaller) -> None:
    # Given a script that names a picture for scene 2: the API cannot read files beside a script
    project_id = _project(api, "## Dawn\nThe harbour wakes.\n\n## Noon\nPicture: boats.jpg\nThe boats.\n")
    scene = api.get(f"/projects/{project_id}/scenes/2").body
    assert (scene["picture_name"], scene["picture_sha256"]) == ("boats.jpg", None)

    refused = api.post(f"/projects/{project_id}/renders", {})
    priced = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"})
    assert _attach(api, project_id, _jpeg(), filename="boats.jpg").status == 200
    allowed = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"})

    assert (refused.status, priced.status) == (422, 422)
    assert refused.error_code == priced.error_code == "PICTURE_NOT_FOUND"
    assert "scene 2 ('boats.jpg')" in refused.body["error"]["message"]
    assert refused.body["error"]["details"]["scenes"] == [2]
    assert allowed.status == 200, allowed.body


def test_a_new_script_naming_an_attached_picture_again_keeps_it(api: ApiCaller) -> None:
    # Given a project whose script names a picture, uploaded
    script = "## Dawn\nThe harbour wakes.\n\n## Noon\nPicture: boats.jpg\nThe boats.\n"
    project_id = _project(api, script)
    attached = _attach(api, project_id, _jpeg(), filename="boats.jpg")
    assert attached.status == 200

    # When the script is rewritten: the picture moves to scene 3, and a new scene names another file
    rewritten = (
        "## Night\nPicture: stars.png\nStars.\n\n## Dawn\nThe harbour wakes.\n\n"
        "## Noon\nPicture: boats.jpg\nThe boats.\n"
    )
    assert api.patch(f"/projects/{project_id}", {"script": rewritten}).status == 200

    # Then scene 3 shows the stored picture at once; scene 1 waits for its upload
    scenes = api.get(f"/projects/{project_id}/scenes").body["items"]
    assert [(s["picture_name"], s["picture_sha256"]) for s in scenes] == [
        ("stars.png", None),
        (None, None),
        ("boats.jpg", attached.body["picture_sha256"]),
    ]
    assert (scenes[2]["image_provider"], scenes[2]["image_stale"]) == ("user", False)
    refused = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"})
    assert refused.status == 422
    assert refused.body["error"]["details"]["scenes"] == [1]


def test_another_owners_project_has_no_picture_routes(api: ApiCaller) -> None:
    project_id = _project(api)
    mallory = api.as_owner("owner-mallory")

    offer = mallory.post(
        f"/projects/{project_id}/scenes/1/picture/uploads",
        {"filename": "a.jpg", "content_type": "image/jpeg", "size": 9},
    )
    attach = mallory.put(f"/projects/{project_id}/scenes/1/picture", {"upload_id": "0" * 32})
    removal = mallory.delete(f"/projects/{project_id}/scenes/1/picture")

    assert (offer.status, attach.status, removal.status) == (404, 404, 404)
