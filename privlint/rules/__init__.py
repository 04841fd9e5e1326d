"""The rule registry: one explicit table, in id order. Ids are a public interface."""

from __future__ import annotations

from privlint.rules import (
    pl001_sudo_in_entrypoint,
    pl002_missing_exec,
    pl003_root_without_drop,
    pl004_unverified_privilege_tool,
    pl005_shell_form_entrypoint,
    pl006_sudo_in_run,
    pl007_unverified_download,
    pl008_drop_needs_root,
    pl900_parse_incomplete,
    pl901_unused_suppression,
)

RULES = {
    module.RULE.id: module
    for module in (
        pl001_sudo_in_entrypoint,
        pl002_missing_exec,
        pl003_root_without_drop,
        pl004_unverified_privilege_tool,
        pl005_shell_form_entrypoint,
        pl006_sudo_in_run,
        pl007_unverified_download,
        pl008_drop_needs_root,
        pl900_parse_incomplete,
        pl901_unused_suppression,
    )
}


def get(rule_id: str):
    return RULES[rule_id]
