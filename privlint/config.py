"""Settings from `[tool.privlint]` in pyproject.toml or `.privlint.toml`, then the command line.

Every key is checked: an unknown key, a value of the wrong type or an unknown rule id is a
`ConfigError` naming the file and the key (exit code 2), never a silent default.
"""

from __future__ import annotations

import os

from privlint.arguments import FAIL_ON
from privlint.finding import Severity
from privlint.record import factory, record

LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


class ConfigError(Exception):
    """A configuration mistake, with a message that names the file and key."""


@record
class Settings:
    select: list[str] | None = None  # None: every rule
    ignore: list[str] = factory(list)
    extend_select: list[str] = factory(list)
    severity: dict[str, Severity] = factory(dict)
    fail_on: str = "error"
    exclude: list[str] = factory(list)
    context: str | None = None
    build_args: dict = factory(dict)  # --build-arg NAME=VALUE
    extra_drop_tools: list[str] = factory(list)
    non_root_base_images: list[str] = factory(list)
    disable_ignore_pragma: bool = False
    max_file_size: int | None = None
    source: str | None = None  # the file the settings came from
    command_line: tuple | None = None  # (select or None, extend-select, ignore) given as flags: they win

    def enabled_rules(self, all_ids: list[str]) -> list[str]:
        """The file's selection, then the command line's on top of it (as ruff does): a flag wins."""
        chosen = set(_expand(self.select, all_ids)) if self.select is not None else set(all_ids)
        chosen |= set(_expand(self.extend_select, all_ids))
        chosen -= set(_expand(self.ignore, all_ids))
        if self.command_line is not None:
            select, extend, ignore = self.command_line
            if select is not None:
                chosen = set(_expand(select, all_ids))
            chosen |= set(_expand(extend, all_ids))
            chosen -= set(_expand(ignore, all_ids))
        return [rule_id for rule_id in all_ids if rule_id in chosen]

    def fails(self, severity: Severity) -> bool:
        if self.fail_on == "never":
            return False
        return severity >= LEVELS[self.fail_on]


def _expand(selectors: list[str] | None, all_ids: list[str]) -> list[str]:
    """`PL002` names one rule, `PL00` every rule it starts, `ALL` every rule."""
    found: list[str] = []
    for selector in selectors or []:
        upper = selector.upper()
        found += all_ids if upper == "ALL" else [i for i in all_ids if i.startswith(upper)]
    return found


_KEYS = {
    "select": "rules", "ignore": "rules", "extend-select": "rules", "severity": "severity",
    "fail-on": "fail-on", "exclude": "strings", "context": "string", "extra-drop-tools": "strings",
    "non-root-base-images": "strings", "disable-ignore-pragma": "bool", "max-file-size": "size",
}


def find_config(start: str) -> str | None:
    """The nearest `.privlint.toml`, or pyproject.toml with a [tool.privlint] table, from `start` up."""
    directory = os.path.abspath(start)
    while True:
        candidate = os.path.join(directory, ".privlint.toml")
        if os.path.isfile(candidate):
            return candidate
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and _has_privlint_table(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _has_privlint_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"[tool.privlint" in handle.read()
    except OSError:
        return False


def load_config(path: str, all_ids: list[str]) -> Settings:
    data = _read_toml(path)
    if os.path.basename(path) == "pyproject.toml" or (set(data) == {"tool"} and isinstance(data["tool"], dict)
                                                       and "privlint" in data["tool"]):
        table = data.get("tool", {}).get("privlint", {})  # .privlint.toml may hold the same [tool.privlint]
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.privlint] must be a table")
    settings = Settings(source=path)
    base = os.path.dirname(os.path.abspath(path))
    for key, value in table.items():
        kind = _KEYS.get(key)
        if kind is None:
            raise ConfigError(f"{path}: unknown key '{key}' (known: {', '.join(sorted(_KEYS))})")
        _apply(settings, key, _check(path, key, kind, value, all_ids), base)
    return settings


def _read_toml(path: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _check(path: str, key: str, kind: str, value, all_ids: list[str]):
    where = f"{path}: key '{key}'"
    if kind in ("rules", "strings"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings")
        if kind == "rules":
            check_rule_ids(value, all_ids, where)
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        return value
    if kind == "size":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{where} must be a positive number of bytes")
        return value
    if kind == "fail-on":
        if value not in FAIL_ON:
            raise ConfigError(f"{where} must be one of {', '.join(FAIL_ON)}")
        return value
    if kind == "severity":
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a table of rule id = level")
        result = {}
        for rule_id, level in value.items():
            check_rule_ids([rule_id], all_ids, where, exact=True)
            if level not in LEVELS:
                raise ConfigError(f"{where}: {rule_id} = {level!r}: the level must be one of {', '.join(LEVELS)}")
            result[rule_id.upper()] = LEVELS[level]
        return result
    raise AssertionError(kind)  # pragma: no cover


def check_rule_ids(values: list[str], all_ids: list[str], where: str, exact: bool = False) -> None:
    for value in values:
        upper = value.upper()
        known = upper in all_ids if exact else (upper == "ALL" or any(i.startswith(upper) for i in all_ids))
        if not known or not upper:
            raise ConfigError(f"{where}: unknown rule id '{value}'")


def _apply(settings: Settings, key: str, value, base: str) -> None:
    if key == "context":
        value = os.path.normpath(os.path.join(base, value))
    setattr(settings, key.replace("-", "_"), value)
