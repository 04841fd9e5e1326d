"""The shell program as rules need it: commands with literal-or-dynamic words, and control structure.

Kept independent of tree-sitter so that rules and the start-up analysis never see a parse tree.
"""

from __future__ import annotations

from privlint.record import factory, record

# What a word is, as far as privilege and PID 1 reasoning cares.
LITERAL = "literal"  # a constant: `gosu`, 'redis', "exec su-exec"
ARGS = "args"  # "$@", $@, "$*", ${@}
SELF = "self"  # $0, "$BASH_SOURCE", ${BASH_SOURCE[0]}: the script itself
VAR = "var"  # exactly one variable: $exec_cmd, "${cmd}"
DYNAMIC = "dynamic"  # anything else with expansions
ARRAY = "array"  # `${CMD[@]}` while parsing; a word of it is a VAR (split into the elements)


@record(frozen=True)
class Word:
    text: str
    kind: str
    value: str | None = None  # the literal value, quotes removed (LITERAL only)
    var: str | None = None  # the variable name (VAR only)
    quoted: bool = False


@record(eq=False)
class Command:
    """A simple command: `[VAR=x] name args...`, with nested substitutions kept for searches."""

    words: list[Word]
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    background: bool = False
    is_test: bool = False  # `[ ... ]` and `[[ ... ]]`
    nested: list["Seq"] = factory(list)  # $(...), <(...) inside the words
    has_assignments: bool = False  # `VAR=x cmd`
    standalone: bool = False  # a statement of its own: not in a pipeline, `&&`/`||` list or background
    path: str = ""  # the file it is written in (a script, a sourced file, or the Dockerfile for RUN)
    redirects: list = factory(list)  # (file descriptor or "", operator, target Word): `> /tmp/f`, `2>&1`

    def stdout_file(self) -> Word | None:
        """Where the command's standard output is written (`> f`, `>> f`, `&> f`), if a file."""
        for descriptor, operator, target in self.redirects:
            if descriptor in ("", "1") and operator in (">", ">>", "&>", ">|", "&>>"):
                return target
        return None

    @property
    def name(self) -> str | None:
        return self.words[0].value if self.words else None


@record(eq=False)
class Assignment:
    """`name=value` on its own (also `local`/`export`/`readonly name=value`)."""

    name: str
    value: Word | None
    line: int
    column: int
    nested: list["Seq"] = factory(list)


@record(eq=False)
class Seq:
    items: list["Node"]


@record(eq=False)
class If:
    branches: list[tuple[Seq, Seq]]  # (condition, body) for `if` and each `elif`
    else_body: Seq | None


@record(eq=False)
class Case:
    subject: Word | None
    items: list[tuple[list[str], Seq]]  # (pattern texts, body)
    lines: list[int] = factory(list)  # the line of each item's patterns

    @property
    def has_default(self) -> bool:
        return any(pattern.strip() in ("*", "'*'", '"*"') for patterns, _ in self.items for pattern in patterns)


@record(eq=False)
class Loop:
    condition: Seq
    body: Seq
    variable: str | None = None  # `for f in ...`: the loop's variable
    items: list = factory(list)  # `for f in a /tmp/*.sh`: the words it takes its values from
    until: bool = False  # `until COND; do ...; done`: it runs until the condition passes


@record(eq=False)
class AndOr:
    """`a && b || c`: the first item always runs, the others may not."""

    items: list["Node"]
    operators: list[str]


@record(eq=False)
class Pipeline:
    items: list["Node"]


@record(eq=False)
class Subshell:
    """`( ... )`: an exec inside replaces the subshell, not the script."""

    body: Seq
    background: bool = False


@record(eq=False)
class Negated:
    body: "Node"


@record(eq=False)
class FunctionDef:
    name: str
    body: Seq
    line: int


#: Any node of the model (a type alias for annotations only: `typing` costs ~3 ms of cold start).
Node = "Command | Assignment | Seq | If | Case | Loop | AndOr | Pipeline | Subshell | Negated | FunctionDef"


@record(eq=False)
class Damage:
    """Lines the parser could not read; no finding is raised from inside them."""

    line: int
    end_line: int


@record(eq=False)
class Script:
    path: str
    body: Seq
    functions: dict[str, FunctionDef]
    damage: list[Damage]
    lines: list[str]
    shebang: str | None = None
    line_offset: int = 0  # where the script starts in its file (a RUN or COPY heredoc body)
    generated: bool = False  # text a RUN wrote with echo/printf: lines point at the writing command, no edits

    def source_line(self, line: int) -> str:
        """The text of a line, numbered as in the file."""
        index = line - 1 - self.line_offset
        return self.lines[index] if 0 <= index < len(self.lines) else ""


def children(node: Node, into_functions: bool = True, into_nested: bool = True) -> list[Node]:
    """The nodes directly inside `node`, in source order: the one place that knows the structure."""
    if isinstance(node, (Command, Assignment)):
        return list(node.nested) if into_nested else []
    if isinstance(node, Seq):
        return node.items
    if isinstance(node, If):
        found: list[Node] = []
        for condition, body in node.branches:
            found += [condition, body]
        return found + ([node.else_body] if node.else_body else [])
    if isinstance(node, Case):
        return [body for _, body in node.items]
    if isinstance(node, Loop):
        return [node.condition, node.body]
    if isinstance(node, (AndOr, Pipeline)):
        return node.items
    if isinstance(node, (Subshell, Negated)):
        return [node.body]
    if isinstance(node, FunctionDef):
        return [node.body] if into_functions else []
    return []


def walk(node: Node, into_functions: bool = True, into_nested: bool = True, stop=None):
    """Every node below `node` (itself included), depth first in source order; `stop(n)` prunes."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if stop is None or not stop(current):
            stack.extend(reversed(children(current, into_functions, into_nested)))


def iter_commands(node: Node, into_functions: bool = True, into_nested: bool = True):
    """Every simple command below `node`, in source order."""
    for current in walk(node, into_functions, into_nested):
        if isinstance(current, Command):
            yield current
