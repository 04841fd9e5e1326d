"""tree-sitter-bash with repair: known grammar gaps, damaged lines, and what the model keeps."""

from __future__ import annotations

import pytest

from privlint.flow import ScriptAnalysis
from privlint.shell import parse_script
from privlint.shell_model import ARGS, SELF, VAR, iter_commands


def names(text: str) -> list[str]:
    script = parse_script("s.sh", text)
    return [c.text for c in iter_commands(script.body) if not c.is_test]


def test_double_bracket_with_dots_and_and_is_read_whole():
    script = parse_script("s.sh", 'if [[ $1 = a.b && $2 = y ]]; then\n  exec gosu app "$@"\nfi\n')
    assert script.damage == []
    assert names('if [[ $1 = a.b && $2 = y ]]; then\n  exec gosu app "$@"\nfi\n') == ['exec gosu app "$@"']


def test_case_pattern_with_expansion_and_glob():
    text = 'case ${1} in\n  --${k}=*) exec server "$@" ;;\n  *) exec "$@" ;;\nesac\n'
    script = parse_script("s.sh", text)
    assert script.damage == []
    ends = ScriptAnalysis(script).path_ends()
    assert {(e.command.line, e.how) for e in ends} == {(2, "exec"), (3, "exec")}


def test_brace_inside_regex_bracket():
    script = parse_script("s.sh", 'if [[ $x =~ ^[a-z}]+$ ]]; then exec a; fi\nexec "$@"\n')
    assert script.damage == []
    assert len(ScriptAnalysis(script).path_ends()) == 2


def test_fd_redirection_exec_is_not_a_program_exec():
    script = parse_script("s.sh", "exec 3<>/dev/tcp/db/5432\nexec >/var/log/x 2>&1\nserver\n")
    assert script.damage == []
    ends = ScriptAnalysis(script).path_ends()
    assert [(e.command.text, e.how) for e in ends] == [("server", "end")]


def test_assignment_with_redirects_in_a_condition_is_read_whole():
    text = 'if key=$(echo "$K" | base64 -d) > /dev/null 2>&1; then\n  echo ok\nfi\nserver\n'
    script = parse_script("s.sh", text)
    assert script.damage == []
    condition = next(iter_commands(script.body))
    assert condition.words == [] and condition.has_assignments
    assert names(text)[-2:] == ["echo ok", "server"] and "base64 -d" in names(text)


def test_damaged_line_is_blanked_and_the_rest_kept():
    script = parse_script("s.sh", 'sudo a\nX=$(cat /f\nexec gosu app "$@"\n')
    assert [(d.line, d.end_line) for d in script.damage] == [(2, 2)]
    assert names('sudo a\nX=$(cat /f\nexec gosu app "$@"\n') == ["sudo a", 'exec gosu app "$@"']


def test_no_command_comes_from_a_heredoc_body():
    assert names("cat <<EOF > /etc/sudoers.d/x\nsudo ALL\nEOF\necho ok\n") == ["cat", "echo ok"]
    assert names("if true; then\n  cat <<-'EOF'\n\tgosu x y\n\tEOF\nfi\n") == ["true", "cat"]


def test_word_kinds():
    script = parse_script("s.sh", 'x "$@" $0 "${BASH_SOURCE[0]}" ${cmd} "lit"\n')
    words = next(iter_commands(script.body)).words
    assert [w.kind for w in words[1:5]] == [ARGS, SELF, SELF, VAR]
    assert words[5].value == "lit"


def test_crlf_script_parses_like_lf():
    lf = 'set -e\nif [ "$1" = a ]; then\n  exec gosu app "$@"\nfi\nexec "$@"\n'
    crlf = parse_script("s.sh", lf.replace("\n", "\r\n"))
    assert crlf.damage == []
    assert len(ScriptAnalysis(crlf).path_ends()) == 2


def test_deep_nesting_is_pl900_damage_not_a_recursion_error():
    text = ("$(" * 3000 + "echo" + ")" * 3000 + "\n" + "if true; then\n" * 2000 + "x\n" + "fi\n" * 2000
            + "(" * 2000 + "y" + ")" * 2000 + "\nexec gosu app server\n")
    script = parse_script("s.sh", text)
    assert script.damage and script.damage[0].line == 1
    ends = ScriptAnalysis(script).path_ends()
    assert any(e.how == "exec" and e.command.line == 4004 for e in ends)


def test_backtick_comment_standing_for_a_step_before_and():
    text = ("`# Install Ninja` \\\n          \\\n    && URL=https://example.com/ninja.zip \\\n"
            "    && curl -o /opt/ninja.zip -L ${URL} \\\n    && unzip /opt/ninja.zip -d /opt\n")
    script = parse_script("Dockerfile", text)
    assert script.damage == []
    assert [c.name for c in iter_commands(script.body)] == [":", "curl", "unzip"]


def test_sourced_guard_is_decided_by_how_the_file_runs():
    from privlint.shell_model import Command

    library = parse_script("lib.sh", 'helper() { :; }\nif ! (return 0 2>/dev/null); then\n  server "$@"\n'
                                     '  exit $?\nfi\n')
    main = parse_script("main.sh", "#!/bin/bash\n. ./lib.sh\nhelper\nexec app\n")
    source = next(c for c in iter_commands(main.body) if c.name == ".")
    ends = ScriptAnalysis(main, sourced={id(source): library}).path_ends()
    assert [(e.command.text, e.how) for e in ends if isinstance(e.command, Command)] == [("exec app", "exec")]
    direct = ScriptAnalysis(library).path_ends()
    assert [(e.command.name, e.how) for e in direct if isinstance(e.command, Command)] == [("server", "exit")]


def test_group_closed_right_after_fi_done_esac():
    script = parse_script("s.sh", 'err() { if [[ $Q -ne 1 ]]; then echo "$@" 1>&2; fi }\n'
                                  'each() { for a in b; do echo; done }\npick() { case x in y) z;; esac }\n'
                                  'echo one }\nexec gosu app "$@"\n')
    assert script.damage == [] and set(script.functions) == {"err", "each", "pick"}
    assert [c.text for c in iter_commands(script.body, into_functions=False)][0] == "echo one }"


@pytest.mark.parametrize("line", ["exec 0<&-", "exec 0</dev/null", "exec 1>&2"])
def test_a_descriptor_written_against_its_redirect_is_not_a_word(line):
    (command,) = list(iter_commands(parse_script("x.sh", line + "\n", 0).body))
    assert [w.value for w in command.words] == ["exec"]


def test_a_number_then_a_spaced_redirect_stays_a_word():
    (command,) = list(iter_commands(parse_script("x.sh", "echo 0 >&2\n", 0).body))
    assert [w.value for w in command.words] == ["echo", "0"]
