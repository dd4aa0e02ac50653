"""bind_table: binding again to the same table keeps every model's connection (and so its client)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from videogen.dal import tables
from videogen.dal.tables import ALL_MODELS, ProjectItem, SceneItem, bind_table, forget_connections


@pytest.fixture(autouse=True)
def restore_binding() -> Iterator[None]:
    meta = ProjectItem.Meta
    saved = (meta.table_name, meta.region, meta.host)
    yield
    bind_table(*saved)
    forget_connections()


def _connections() -> list[object]:
    return [model._get_connection() for model in (ProjectItem, SceneItem)]


def test_binding_the_same_table_again_keeps_each_models_connection() -> None:
    bind_table("videogen-a", "eu-west-1")
    before = _connections()

    bind_table("videogen-a", "eu-west-1")

    assert all(now is then for now, then in zip(_connections(), before, strict=True))


@pytest.mark.parametrize(
    "binding",
    [
        ("videogen-b", "eu-west-1", None),
        ("videogen-a", "us-east-1", None),
        ("videogen-a", "eu-west-1", "http://h"),
    ],
)
def test_binding_another_table_region_or_host_gives_every_model_a_new_connection(
    binding: tuple[str, str, str | None],
) -> None:
    bind_table("videogen-a", "eu-west-1")
    before = _connections()

    bind_table(*binding)

    after = _connections()
    assert all(now is not then for now, then in zip(after, before, strict=True))
    assert all(connection.table_name == binding[0] for connection in after)  # type: ignore[attr-defined]
    assert all((model.Meta.table_name, model.Meta.region, model.Meta.host) == binding for model in ALL_MODELS)


def test_forgetting_the_connections_gives_every_model_a_new_one() -> None:
    bind_table("videogen-a", "eu-west-1")
    before = _connections()

    tables.forget_connections()

    assert all(now is not then for now, then in zip(_connections(), before, strict=True))
