"""A lower app says "this KUBE's data changed"; a higher app that derives something from it (the enterprise
app's classification) listens. The registry may not import the enterprise app, so the link is made here: the
enterprise app subscribes in its AppConfig.ready(), the registry's services announce. Listeners run inside the
writer's transaction and must defer real work to on_commit (rescore_later does)."""

from collections.abc import Callable

GroupListener = Callable[[int], None]
_LISTENERS: dict[str, GroupListener] = {}


def subscribe(name: str, listener: GroupListener) -> None:
    """Idempotent by name (an app config that is readied twice subscribes once)."""
    _LISTENERS[name] = listener


def group_changed(group_id: int) -> None:
    for listener in list(_LISTENERS.values()):
        listener(group_id)
