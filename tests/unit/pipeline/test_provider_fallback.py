"""The image provider chain (logic.fallback) with fake providers, a fake clock and a recording sleep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from videogen.exceptions import (
    ConfigurationException,
    ContentFilteredException,
    ImageGenerationException,
    ProviderAccessException,
    ProviderUnavailableException,
    RateLimitException,
    VideoGeneratorException,
)
from videogen.logic.fallback import (
    DEFAULT_POLICY,
    NOT_TRIED,
    Drawn,
    FallbackPolicy,
    draw_in_order,
    retry_wait,
)
from videogen.providers.catalog import ProviderIdentity

STABILITY = ProviderIdentity("stability", "core")
BEDROCK = ProviderIdentity("bedrock", "stability.stable-image-core-v1:1")
LOCAL = ProviderIdentity("local", "procedural-v2")


def down() -> ProviderUnavailableException:
    return ProviderUnavailableException("Stability AI is unavailable", {"status": 503})


def throttled(retry_after: int) -> RateLimitException:
    return RateLimitException("Bedrock is throttling requests", retry_after)


def refused() -> ProviderAccessException:
    return ProviderAccessException("Stability AI refused the API key")


@dataclass
class Clock:
    """Time that passes only when slept through, or when a call says it took long."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class FakeProviders:
    """Each provider answers its calls in turn from a script: an error to raise, or "ok" to draw."""

    scripts: dict[str, list[VideoGeneratorException | str]]
    clock: Clock
    call_seconds: float = 0.1
    calls: list[str] = field(default_factory=list)

    def draw(self, identity: ProviderIdentity) -> str:
        self.calls.append(identity.name)
        self.clock.now += self.call_seconds
        script = self.scripts[identity.name]
        answer = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(answer, VideoGeneratorException):
            raise answer
        return f"image by {identity.name}"


def run(
    chain: list[ProviderIdentity],
    scripts: dict[str, list[VideoGeneratorException | str]],
    *,
    deadline: float | None = None,
    call_seconds: float = 0.1,
) -> tuple[Callable[[], Drawn[str]], FakeProviders, Clock]:
    clock = Clock()
    providers = FakeProviders(scripts, clock, call_seconds)

    def go() -> Drawn[str]:
        return draw_in_order(
            chain,
            providers.draw,
            scene=4,
            deadline=deadline,
            clock=lambda: clock.now,
            sleep=clock.sleep,
            jitter=lambda: 1.0,
        )

    return go, providers, clock


def test_the_first_provider_that_draws_is_used_and_nothing_is_skipped() -> None:
    go, providers, clock = run([STABILITY, BEDROCK], {"stability": ["ok"], "bedrock": ["ok"]})

    drawn = go()

    assert (drawn.value, drawn.identity, drawn.skipped) == ("image by stability", STABILITY, [])
    assert providers.calls == ["stability"]
    assert clock.slept == []


def test_a_provider_that_stays_down_gets_its_retry_then_hands_over_to_the_next() -> None:
    go, providers, clock = run([STABILITY, BEDROCK], {"stability": [down()], "bedrock": ["ok"]})

    drawn = go()

    assert drawn.value == "image by bedrock"
    assert providers.calls == ["stability", "stability", "bedrock"]
    # One backoff, at its ceiling (the jitter here is 1.0): the first retry waits at most base_delay.
    assert clock.slept == [DEFAULT_POLICY.base_delay]
    [skipped] = drawn.skipped
    assert skipped.model_dump() == {
        "provider": "stability",
        "model": "core",
        "code": "PROVIDER_UNAVAILABLE",
        "reason": "Stability AI is unavailable",
        "attempts": 2,
    }


def test_a_provider_that_recovers_on_its_retry_draws_without_a_fallback() -> None:
    go, providers, _ = run([STABILITY, BEDROCK], {"stability": [down(), "ok"], "bedrock": ["ok"]})

    drawn = go()

    assert (drawn.value, drawn.skipped) == ("image by stability", [])
    assert providers.calls == ["stability", "stability"]


def test_refused_credentials_hand_over_at_once_without_a_retry() -> None:
    go, providers, clock = run([STABILITY, BEDROCK], {"stability": [refused()], "bedrock": ["ok"]})

    drawn = go()

    assert drawn.identity == BEDROCK
    assert providers.calls == ["stability", "bedrock"]
    assert clock.slept == []
    assert [entry.code for entry in drawn.skipped] == ["PROVIDER_ACCESS_DENIED"]


def test_a_short_retry_after_is_honoured_and_a_long_one_hands_over_at_once() -> None:
    go, providers, clock = run(
        [BEDROCK, STABILITY], {"bedrock": [throttled(3), throttled(60)], "stability": ["ok"]}
    )

    drawn = go()

    assert drawn.identity == STABILITY
    assert providers.calls == ["bedrock", "bedrock", "stability"]
    assert clock.slept == [3.0]
    assert drawn.skipped[0].code == "RATE_LIMITED"


def test_a_throttle_asking_for_more_than_the_cap_is_not_waited_for() -> None:
    go, providers, clock = run([BEDROCK, STABILITY], {"bedrock": [throttled(60)], "stability": ["ok"]})

    go()

    assert providers.calls == ["bedrock", "stability"]
    assert clock.slept == []


def test_a_failure_that_was_slow_is_not_retried_in_process() -> None:
    # A provider that hangs until its client times out is down: a second minute-long call helps nobody.
    go, providers, clock = run(
        [STABILITY, BEDROCK],
        {"stability": [down()], "bedrock": ["ok"]},
        call_seconds=DEFAULT_POLICY.quick_failure + 1,
    )

    go()

    assert providers.calls == ["stability", "bedrock"]
    assert clock.slept == []


def test_a_content_filter_refusal_ends_the_scene_without_a_fallback() -> None:
    refusal = ContentFilteredException(
        "Stability AI's content filter refused the prompt", {"provider": "stability"}
    )
    go, providers, _ = run([STABILITY, BEDROCK], {"stability": [refusal], "bedrock": ["ok"]})

    with pytest.raises(ContentFilteredException) as info:
        go()

    assert info.value is refusal
    assert providers.calls == ["stability"]


@pytest.mark.parametrize(
    "error",
    [
        ImageGenerationException("Stability AI rejected the request (bad_request)"),
        ConfigurationException("Unknown Stability REST model"),
    ],
    ids=["bad request", "misconfigured"],
)
def test_errors_that_are_not_the_providers_absence_end_the_scene(error: VideoGeneratorException) -> None:
    go, providers, _ = run([STABILITY, BEDROCK], {"stability": [error], "bedrock": ["ok"]})

    with pytest.raises(type(error)) as info:
        go()

    assert info.value is error
    assert providers.calls == ["stability"]


def test_every_provider_down_is_a_retryable_error_naming_each_and_its_reason() -> None:
    bedrock_down = ProviderUnavailableException(
        "Bedrock is unavailable", {"error_code": "ServiceUnavailableException"}
    )
    go, providers, _ = run([STABILITY, BEDROCK], {"stability": [down()], "bedrock": [bedrock_down]})

    with pytest.raises(ProviderUnavailableException) as info:
        go()

    error = info.value
    assert type(error) is ProviderUnavailableException and error.retryable
    assert error.message == (
        "No image provider could draw scene 4: "
        "stability: Stability AI is unavailable (PROVIDER_UNAVAILABLE, 2 attempts); "
        "bedrock: Bedrock is unavailable (PROVIDER_UNAVAILABLE)"
    )
    assert [entry["provider"] for entry in error.details["providers"]] == ["stability", "bedrock"]
    # The last provider's retries are the state machine's: it is called once per run of the chain.
    assert providers.calls == ["stability", "stability", "bedrock"]


def test_throttled_everywhere_is_a_rate_limit_with_the_shortest_wait() -> None:
    go, _, _ = run([BEDROCK, STABILITY], {"bedrock": [throttled(10)], "stability": [throttled(60)]})

    with pytest.raises(RateLimitException) as info:
        go()

    assert type(info.value) is RateLimitException
    assert info.value.retry_after == 10
    assert "bedrock: Bedrock is throttling requests (RATE_LIMITED)" in info.value.message


def test_refused_everywhere_is_not_retryable() -> None:
    go, _, _ = run([STABILITY, BEDROCK], {"stability": [refused()], "bedrock": [refused()]})

    with pytest.raises(ProviderAccessException) as info:
        go()

    assert not info.value.retryable
    assert info.value.message.startswith("No image provider could draw scene 4: stability: ")


def test_one_down_one_refusing_is_retryable() -> None:
    go, _, _ = run([STABILITY, BEDROCK], {"stability": [down()], "bedrock": [refused()]})

    with pytest.raises(ProviderUnavailableException):
        go()


def test_a_chain_of_one_raises_the_providers_own_error_after_one_call() -> None:
    error = down()
    go, providers, _ = run([LOCAL], {"local": [error]})

    with pytest.raises(ProviderUnavailableException) as info:
        go()

    assert info.value is error
    assert providers.calls == ["local"]


def test_no_call_starts_too_close_to_the_deadline_and_the_rest_are_named_as_not_tried() -> None:
    # Given a first call that leaves less than the reserve before the deadline
    deadline = DEFAULT_POLICY.reserve + 5
    go, providers, _ = run(
        [STABILITY, BEDROCK, LOCAL],
        {"stability": [down()], "bedrock": ["ok"], "local": ["ok"]},
        deadline=deadline,
        call_seconds=6,
    )

    with pytest.raises(ProviderUnavailableException) as info:
        go()

    assert providers.calls == ["stability"]
    assert [(entry["provider"], entry["code"]) for entry in info.value.details["providers"]] == [
        ("stability", "PROVIDER_UNAVAILABLE"),
        ("bedrock", NOT_TRIED),
        ("local", NOT_TRIED),
    ]


def test_an_empty_chain_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        draw_in_order([], lambda identity: None, scene=1)


@pytest.mark.parametrize(
    ("attempts", "jitter", "expected"),
    [(1, 1.0, 0.5), (1, 0.5, 0.25), (2, 1.0, None)],
)
def test_backoff_is_full_jitter_up_to_its_ceiling_and_stops_after_the_attempts(
    attempts: int, jitter: float, expected: float | None
) -> None:
    assert retry_wait(down(), attempts, 0.1, DEFAULT_POLICY, jitter) == expected


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = FallbackPolicy(attempts=10, base_delay=0.5, max_delay=2.0)

    assert [retry_wait(down(), n, 0.1, policy, 1.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 2.0]
