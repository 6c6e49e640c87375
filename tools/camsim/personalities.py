"""Vendor personalities: loaded once from ``personalities.yaml`` (data, not code)."""

import copy
import functools
import os

import yaml

_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "personalities.yaml")

REQUIRED_KEYS = (
    "manufacturer", "model", "firmware", "hardware_id", "mac_oui", "serial_format",
    "factory_address", "factory_user", "factory_password", "requires_activation",
    "hostname", "timezone", "paths", "profiles", "video_source", "pre_auth", "envelope",
    "capabilities", "faults", "unsupported", "digest_realm",
)


class PersonalityError(ValueError):
    """A personality name is unknown or its data is incomplete."""


@functools.lru_cache(maxsize=1)
def _load():
    with open(_FILE, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for name, entry in data.items():
        missing = [key for key in REQUIRED_KEYS if key not in entry]
        if missing:
            raise PersonalityError("personality %r lacks %s" % (name, ", ".join(missing)))
    return data


def names():
    """Names of the known personalities."""
    return sorted(_load())


def _merge(base, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def get(name, overrides=None):
    """A private copy of personality ``name``, with ``overrides`` merged in (dicts deeply)."""
    data = _load()
    if name not in data:
        raise PersonalityError("unknown vendor personality %r (known: %s)" % (name, ", ".join(names())))
    personality = copy.deepcopy(data[name])
    personality["name"] = name
    if overrides:
        _merge(personality, overrides)
    return personality
