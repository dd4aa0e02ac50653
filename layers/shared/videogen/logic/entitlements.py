"""Who may pick what costs money: the paid image providers are for the owners an administrator chose.

Every image provider but the offline one bills per image, so an account that anyone could create would
otherwise spend on our account. The PaidProviders parameter (the ``paid_providers`` setting) decides:

- ``group``: members of the Cognito group ``paid-providers`` (PAID_PROVIDERS_GROUP; template.yaml creates
  it, an administrator adds users to it). Membership comes from the ID token's ``cognito:groups`` claim,
  so only API callers can show it: the drop folder has no token, so a dropped script may not pick one.
- ``everyone``: no restriction (the local default: there are no groups on one machine).
- ``nobody``: only the free provider.

The rule is checked where a project's settings are chosen: when it is created (from the request, the
script's front matter, or a dropped script) and when its settings change. Keeping the provider a project
already has is never refused, so an owner who left the group can still edit a project's title.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from videogen.config import get_config
from videogen.domain.enums import ImageProviderName
from videogen.exceptions import AuthorizationException

#: The Cognito group whose members may pick a paid provider (template.yaml's PaidProvidersGroup).
PAID_PROVIDERS_GROUP = "paid-providers"
#: Providers that cost nothing per image; every other provider is paid, a new one included.
FREE_IMAGE_PROVIDERS: frozenset[ImageProviderName] = frozenset({ImageProviderName.LOCAL})


def may_use_image_provider(provider: ImageProviderName, groups: Collection[str], policy: str) -> bool:
    """Whether a caller in ``groups`` may pick ``provider`` under ``policy`` (group, everyone, nobody)."""
    if provider in FREE_IMAGE_PROVIDERS or policy == "everyone":
        return True
    return policy == "group" and PAID_PROVIDERS_GROUP in groups


def check_image_provider(
    provider: ImageProviderName,
    groups: Collection[str],
    *,
    kept: ImageProviderName | None = None,
    policy: str | None = None,
) -> None:
    """Refuse a paid image provider the caller may not pick.

    Args:
        provider: the provider the project's settings name.
        groups: the caller's Cognito groups (empty when unknown, e.g. the drop folder).
        kept: the provider the project has already; keeping it is always allowed.
        policy: group, everyone or nobody; the ``paid_providers`` setting when None.

    Raises:
        AuthorizationException: the provider is paid and the caller may not pick it (403 FORBIDDEN).
    """
    if provider == kept:
        return
    policy = policy or get_config().paid_providers
    if may_use_image_provider(provider, groups, policy):
        return
    if policy == "group":
        message = (
            f"The {provider.value} provider is for members of the {PAID_PROVIDERS_GROUP} group; "
            "ask an administrator."
        )
    else:
        message = f"The {provider.value} provider is not available here; use the local provider."
    raise AuthorizationException(
        message,
        {
            "provider": provider.value,
            "allowed": sorted(member.value for member in FREE_IMAGE_PROVIDERS),
            **({"group": PAID_PROVIDERS_GROUP} if policy == "group" else {}),
        },
    )


def check_image_providers(
    providers: Iterable[ImageProviderName],
    groups: Collection[str],
    *,
    kept: Collection[ImageProviderName] = (),
    policy: str | None = None,
) -> None:
    """Refuse a list of image providers (``image_providers``) naming one the caller may not pick: every
    provider of the list must be allowed, since any of them may draw (and bill) a scene.

    Args:
        providers: the providers the project's settings name, in order.
        groups: the caller's Cognito groups.
        kept: the providers the project has already; keeping any of them is always allowed.
        policy: group, everyone or nobody; the ``paid_providers`` setting when None.

    Raises:
        AuthorizationException: the first provider of the list the caller may not pick (403 FORBIDDEN).
    """
    for provider in providers:
        check_image_provider(provider, groups, kept=provider if provider in kept else None, policy=policy)
