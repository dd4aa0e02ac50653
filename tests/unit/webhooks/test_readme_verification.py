"""The README's ten-line signature check is the one receivers copy: it must accept what videogen sends and
refuse what it must refuse."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from tests.support.paths import ROOT
from videogen.webhooks import signing

SECRET = "whsec_test"
BODY = b'{"id":"evt_1","type":"render.completed","created_at":"2026-12-06T08:00:00Z","data":{}}'


def _readme_verify() -> Callable[..., bool]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## When a render ends") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None, "the README shows no Python verification example"
    assert len(code.group(1).strip().splitlines()) <= 10
    namespace: dict[str, object] = {}
    exec(code.group(1), namespace)  # noqa: S102 - our own README's example, run as a receiver would
    verify = namespace["verify"]
    assert callable(verify)
    return verify


def test_the_readme_example_accepts_videogens_signature() -> None:
    verify = _readme_verify()
    header = signing.sign(SECRET, BODY, int(time.time()))

    assert verify(SECRET, BODY, header)


def test_the_readme_example_refuses_tampering_wrong_secrets_and_old_deliveries() -> None:
    verify = _readme_verify()
    now = int(time.time())

    assert not verify(SECRET, BODY + b" ", signing.sign(SECRET, BODY, now))
    assert not verify("whsec_other", BODY, signing.sign(SECRET, BODY, now))
    assert not verify(SECRET, BODY, signing.sign(SECRET, BODY, now - 301))
    assert not verify(SECRET, BODY, signing.sign(SECRET, BODY, now + 301))
    assert not verify(SECRET, BODY, "v1=" + "0" * 64)
    assert not verify(SECRET, BODY, "")
