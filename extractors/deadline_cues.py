"""The cue phrases of rules/deadlines.yaml by role, and the id of the cue a deadline starts
with (carried into its rule_id)."""

from functools import lru_cache
from typing import Any

from .rules import entry_error, load_yaml

# The cue groups of the deadline pattern (`deadlines._pattern`) and the roles each matches.
CUE_GROUPS = {"scue": ("start_only",), "cue": ("end_only", "within"), "lcue": ("cue_before_la",)}


def phrases(*roles: str) -> list[str]:
    """The cue phrases of these roles."""
    return [entry["phrase"] for entry in load_yaml("deadlines.yaml")["cues"] if entry["role"] in roles]


@lru_cache(maxsize=1)
def cue_ids() -> dict[str, dict[str, str]]:
    """For each cue group, its phrases and their ids; a phrase stands once in a group, so
    that a match has one id."""
    ids: dict[str, dict[str, str]] = {group: {} for group in CUE_GROUPS}
    for index, entry in enumerate(load_yaml("deadlines.yaml")["cues"]):
        group = next(group for group, roles in CUE_GROUPS.items() if entry["role"] in roles)
        if entry["phrase"] in ids[group]:
            taken = ids[group][entry["phrase"]]
            raise entry_error("deadlines.yaml", ("cues", index), f"{entry['phrase']!r} is {taken!r} already")
        ids[group][entry["phrase"]] = entry["id"]
    return ids


def cue_id(groups: dict[str, str | Any]) -> str | None:
    """The id of the cue phrase a match of the deadline pattern starts with, if any."""
    group = next((group for group in CUE_GROUPS if groups[group]), None)
    return cue_ids()[group][groups[group].lower()] if group else None
