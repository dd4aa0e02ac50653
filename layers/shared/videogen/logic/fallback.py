"""Try a scene's image providers in order (the project's ``image_providers``) until one draws its image.

Which failure hands a scene to the next provider, and which ends it, is decided here and only here:

- a provider that is **unavailable** (``ProviderUnavailableException``: 5xx, timeout, connection) or
  **throttled** (``RateLimitException``) first gets a short retry in this process, then hands over;
- a provider that **refuses us** (``ProviderAccessException``: no key, a key or role refused, no credits)
  hands over at once: asking again will not change its mind;
- a **content-filter refusal** (``ContentFilteredException``) ends the scene with the provider's reason:
  the prompt must change, and another provider drawing what one refused is not a fallback we want;
  every other error (a bad request, a broken image, a configuration error) ends it too.

Retries, and why they are split this way: a scene must not wait minutes for a provider that is down while
another one is up. So a provider with a successor gets ``FallbackPolicy.attempts`` quick calls (full-jitter
backoff of at most ``max_delay`` seconds; a throttle's ``retry_after`` is honoured up to
``max_retry_after`` seconds and a longer one hands over at once; a failure that was itself slow, a
timeout, is not repeated here). The last provider's retries are the state machine's: when every provider
failed and one of them may recover, the error raised is retryable and names every provider and its reason,
so GenerateImage's Retry (infra/statemachine/render.asl.json) runs the whole chain again, first provider
first, and a render whose retries are exhausted fails with that message. A chain of one provider raises
that provider's own error, as before there were chains.

The loop is a pure function of its inputs: the draw, the clock, the sleep and the jitter are passed in,
so the unit tests run it with fake providers and a fake clock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from videogen.domain.provenance import SkippedProvider
from videogen.exceptions import (
    ProviderAccessException,
    ProviderUnavailableException,
    RateLimitException,
    VideoGeneratorException,
)
from videogen.providers.catalog import ProviderIdentity

#: The failures that hand a scene to the next provider.
HANDS_OVER: Final = (ProviderUnavailableException, RateLimitException, ProviderAccessException)
#: What a provider that was never called is recorded with, when the invocation ran out of time first.
NOT_TRIED: Final = "NOT_TRIED"


@dataclass(frozen=True, slots=True)
class FallbackPolicy:
    """How long a scene waits for one provider before handing over (seconds)."""

    #: Calls to a provider that another one follows (the first and its retries).
    attempts: int = 2
    #: The first retry's backoff ceiling (full jitter), doubled per retry, at most ``max_delay``.
    base_delay: float = 0.5
    max_delay: float = 2.0
    #: A throttle asking to wait longer than this hands over at once instead.
    max_retry_after: float = 5.0
    #: A failure that took longer than this (a timeout) is not retried in this process.
    quick_failure: float = 10.0
    #: No call starts with less time than this left before the deadline: one call of a provider that
    #: hangs lasts its client timeout (Stability's is 60 s); GenerateImage's Timeout leaves room for it.
    reserve: float = 65.0


DEFAULT_POLICY: Final = FallbackPolicy()


@dataclass(frozen=True, slots=True)
class Drawn[T]:
    """What the chain produced, who produced it, and the providers passed over before it."""

    value: T
    identity: ProviderIdentity
    skipped: list[SkippedProvider] = field(default_factory=list)


def retry_wait(
    error: VideoGeneratorException, attempts: int, took: float, policy: FallbackPolicy, jitter: float
) -> float | None:
    """Seconds to wait before calling the same provider again after ``error``; None: hand over now.

    Args:
        error: what the call raised (one of HANDS_OVER).
        attempts: calls made to this provider so far.
        took: seconds the failed call lasted.
        policy: the limits.
        jitter: a number in [0, 1) (the backoff is "full jitter": anywhere up to its ceiling).
    """
    if attempts >= policy.attempts or isinstance(error, ProviderAccessException):
        return None
    if took > policy.quick_failure:
        return None
    if isinstance(error, RateLimitException):
        return float(error.retry_after) if error.retry_after <= policy.max_retry_after else None
    return jitter * min(policy.max_delay, policy.base_delay * 2 ** (attempts - 1))


def skipped_entry(
    identity: ProviderIdentity, error: VideoGeneratorException, attempts: int
) -> SkippedProvider:
    return SkippedProvider(
        provider=identity.name,
        model=identity.model,
        code=error.error_code,
        reason=error.message,
        attempts=attempts,
    )


def exhausted(
    scene: int, failures: list[tuple[SkippedProvider, VideoGeneratorException]]
) -> VideoGeneratorException:
    """The error of a scene no provider drew, naming every provider and its reason.

    Retryable when one of them may recover (unavailable, or not tried for lack of time: the state machine
    runs the chain again); a throttle alone gives a RateLimitException with the shortest wait asked for;
    when every provider refused us, retrying cannot help: a ProviderAccessException.
    """
    entries = [entry for entry, _ in failures]
    message = f"No image provider could draw scene {scene}: " + "; ".join(
        entry.summary() for entry in entries
    )
    details = {"scene": scene, "providers": [entry.model_dump() for entry in entries]}
    errors = [error for _, error in failures]
    if any(isinstance(error, ProviderUnavailableException) for error in errors) or any(
        entry.code == NOT_TRIED for entry in entries
    ):
        return ProviderUnavailableException(message, details)
    throttles = [error for error in errors if isinstance(error, RateLimitException)]
    if throttles:
        return RateLimitException(message, min(error.retry_after for error in throttles), details)
    return ProviderAccessException(message, details)


def draw_in_order[T](
    chain: Sequence[ProviderIdentity],
    draw: Callable[[ProviderIdentity], T],
    *,
    scene: int,
    deadline: float | None = None,
    policy: FallbackPolicy = DEFAULT_POLICY,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
    jitter: Callable[[], float] | None = None,
) -> Drawn[T]:
    """Call ``draw`` with each provider of ``chain`` in order until one succeeds (see the module's rules).

    Args:
        chain: the providers to try, first choice first (at least one).
        draw: builds the provider and draws the image; raises what the provider raises.
        scene: the scene number, for the error message.
        deadline: a ``clock()`` time no call may start within ``policy.reserve`` seconds of (the Lambda
            invocation's end); None: no limit.
        policy, clock, sleep, jitter: the limits, and the time and randomness they are measured with
            (None: ``time.monotonic``, ``time.sleep``, ``random.random``, looked up at each call).

    Returns:
        The drawn value, the provider that drew it and the providers passed over before it.

    Raises:
        ContentFilteredException, and any error that does not hand over: at once, from the provider.
        The only provider's error, for a chain of one.
        ProviderUnavailableException, RateLimitException or ProviderAccessException: every provider
            failed (see ``exhausted``).
    """
    if not chain:
        raise ValueError("an image provider chain needs at least one provider")
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    jitter = jitter or random.random
    failures: list[tuple[SkippedProvider, VideoGeneratorException]] = []
    for index, identity in enumerate(chain):
        last = index == len(chain) - 1
        attempts = 0
        error: VideoGeneratorException | None = None
        while True:
            if (index or attempts) and deadline is not None and clock() + policy.reserve > deadline:
                break
            attempts += 1
            started = clock()
            try:
                return Drawn(draw(identity), identity, [entry for entry, _ in failures])
            except HANDS_OVER as exc:
                error = exc
            wait = None if last else retry_wait(error, attempts, clock() - started, policy, jitter())
            if wait is None:
                break
            sleep(wait)
        if error is None:
            # Out of time before this provider's first call: it and those after it are not tried now.
            unreached = ProviderUnavailableException("not tried: no time was left in this attempt")
            for untried in chain[index:]:
                entry = SkippedProvider(
                    provider=untried.name,
                    model=untried.model,
                    code=NOT_TRIED,
                    reason=unreached.message,
                    attempts=0,
                )
                failures.append((entry, unreached))
            break
        failures.append((skipped_entry(identity, error, attempts), error))
    if len(chain) == 1:
        raise failures[0][1]
    raise exhausted(scene, failures)
