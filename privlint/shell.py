"""Parse shell with tree-sitter-bash, recover from damaged statements, and convert to `shell_model`.

Recovery: where the tree has an ERROR in a statement position, first mask the grammar's known gaps on
that line (`<>` redirections, `[[ ]]` bodies), then blank the line (same byte length, so every other
position stays put) and parse again. Blanked lines become `Damage`, reported as PL900; the other
statements keep their findings.
"""

from __future__ import annotations

import re

from privlint import shell_model as m

MAX_REPAIRS = 25
#: Deeper statement nesting is reported as damage: no real script comes near it, and it bounds recursion.
MAX_NESTING = 100

_PARSER = None


def _parser():
    """Load the grammar once, straight from its extension module.

    `import tree_sitter_bash` (or its `_binding`, which imports the package first) pulls in
    importlib.resources, tempfile and shutil for the highlight queries privlint never uses: ~10 ms
    of every cold start. The extension is found on sys.path and loaded by itself instead.
    """
    global _PARSER
    if _PARSER is None:
        import tree_sitter

        _PARSER = tree_sitter.Parser(tree_sitter.Language(_bash_language()))
    return _PARSER


def _bash_language():
    import importlib.machinery
    import importlib.util
    import os
    import sys

    for entry in sys.path:
        folder = os.path.join(entry or ".", "tree_sitter_bash")
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith("_binding.") and name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                path = os.path.join(folder, name)
                loader = importlib.machinery.ExtensionFileLoader("tree_sitter_bash._binding", path)
                spec = importlib.util.spec_from_file_location("tree_sitter_bash._binding", path, loader=loader)
                module = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
                return module.language()
    from tree_sitter_bash import language  # a differently packaged grammar

    return language()


# Statement positions whose ERROR children cannot hide a command: patterns and test expressions.
_HARMLESS_ERROR_PARENTS = {"case_item", "test_command", "binary_expression", "unary_expression",
                           "parenthesized_expression", "regex", "extglob_pattern"}


def _first_problem(node, settled_rows=frozenset()):
    """The first ERROR outside case patterns and test expressions, or MISSING token, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        if not current.has_error:
            continue
        if current.is_missing:
            if _assignment_with_redirects(current):
                continue  # `if key=$(decode) > /dev/null 2>&1; then`: bash's assignment with redirects, no command
            if _problem_row(current) not in settled_rows:
                return current
            continue
        if current.type == "ERROR":
            parent = current.parent
            if parent is None or parent.type not in _HARMLESS_ERROR_PARENTS:
                return current
            continue
        stack.extend(reversed(current.children))
    return None


def _assignment_with_redirects(missing) -> bool:
    """The command name tree-sitter-bash wants after `name=value > file` (valid bash: an assignment whose
    command substitution's output is redirected), which it marks MISSING."""
    name = missing.parent
    command = name.parent if name is not None and name.type == "command_name" else None
    return command is not None and command.type == "command" and missing.start_byte == missing.end_byte and \
        any(child.type == "variable_assignment" for child in command.children) and \
        all(child.type in ("variable_assignment", "file_redirect", "command_name") for child in command.children)


#: Same-length rewrites of constructs tree-sitter-bash misreads and privlint's rules never look into.
_GAP_MASKS = [
    (re.compile(rb"(?<=[0-9])<>"), lambda match: b"> "),  # exec 3<>/dev/tcp/host/port
    # `# comment` standing for a command before `&&` (RUN `# step` \ && ...): a no-op command `:` there
    (re.compile(rb"`#[^`\n]*`(?=(?:[ \t]|\\\n)*(?:&&|\|\||;))"),
     lambda match: b":" + b" " * (len(match.group(0)) - 1)),
    (re.compile(rb"`#[^`\n]*`"), lambda match: b" " * len(match.group(0))),  # `# comment` in a pipe
    (re.compile(rb"(?<=\))[ \t](?=[ \t]{0,100}\}(?:[ \t;]|$))", re.M), lambda match: b";"),  # ( ... ) }
    # `f() { if ...; then ...; fi }`: bash ends the group after `fi`/`done`/`esac`; the grammar wants a `;`
    (re.compile(rb"(?:(?<=[;\s]fi)|(?<=[;\s]done)|(?<=[;\s]esac))[ \t](?=[ \t]{0,100}\}(?:[ \t;]|$))", re.M),
     lambda match: b";"),
]


def _mask_gaps(data: bytes) -> bytes:
    for pattern, replacement in _GAP_MASKS:
        data = pattern.sub(replacement, data)
    return _mask_double_brackets(data)


def _mask_double_brackets(data: bytes) -> bytes:
    """`[[ $1 = a.b && $2 = y ]]` → `[[ x          ]]` on one line, scanning each byte once."""
    out, position = [], 0
    while True:
        start = data.find(b"[[", position)
        if start < 0:
            break
        line_end = data.find(b"\n", start)
        line_end = len(data) if line_end < 0 else line_end
        end = data.find(b"]]", start + 2, line_end)
        if end < 0:
            out.append(data[position:line_end])
            position = line_end
            continue
        out += [data[position:start], b"[[ x", b" " * (end - start - 4), b"]]"]
        position = end + 2
    out.append(data[position:])
    return b"".join(out)


def _problem_row(problem) -> int:
    """The row to repair: for a missing closer (`)`, `fi`), the row that opened the construct."""
    if problem.is_missing and problem.parent is not None and problem.parent.parent is not None:
        return problem.parent.start_point.row
    return problem.start_point.row


#: Bytes >= 0x80 become `a` before tree-sitter sees them. tree-sitter-bash 0.25.1 crashes the
#: process (segfault, some runs only) on some non-ASCII input found by the property tests. Bash
#: treats every such byte as a word character, as it does `a`, and byte offsets do not move, so
#: text and columns are still read from the real bytes.
_ASCII_ONLY = bytes(range(128)) + b"a" * 128


def _parse(parser, data: bytes):
    return parser.parse(data.translate(_ASCII_ONLY))


def _parse_with_recovery(data: bytes):
    """Parse, repairing damaged lines; return (tree, data as parsed, damaged 0-based rows).

    First the grammar's known gaps are masked everywhere; then, one problem at a time, the line that
    holds it is blanked. A blank that only moves the trouble earlier is undone, and the problem's
    own lines become the damage, so one bad construct never swallows the rest of the script.
    """
    parser = _parser()
    tree = _parse(parser, data)
    if not tree.root_node.has_error:
        return tree, data, set()
    masked = _mask_gaps(data)
    if masked != data:
        data, tree = masked, _parse(parser, masked)
    damaged: set[int] = set()
    for _ in range(MAX_REPAIRS):
        problem = _first_problem(tree.root_node, damaged)
        if problem is None:
            return tree, data, damaged
        row = _problem_row(problem)
        damaged.add(row)
        if problem.is_missing and row == problem.start_point.row:
            continue  # nothing better to blank: keep the structure around the missing token
        rows = data.split(b"\n")
        rows[row] = b" " * len(rows[row])
        candidate = b"\n".join(rows)
        candidate_tree = _parse(parser, candidate)
        after = _first_problem(candidate_tree.root_node, damaged)
        if after is not None and _problem_row(after) < row:
            damaged.update(range(problem.start_point.row, problem.end_point.row + 1))
            return tree, data, damaged
        data, tree = candidate, candidate_tree
    problem = _first_problem(tree.root_node, damaged)
    if problem is not None:  # the repair budget ran out: the rest of this error is damage too
        damaged.update(range(problem.start_point.row, problem.end_point.row + 1))
    return tree, data, damaged


def parse_script(path: str, text: str, line_offset: int = 0) -> m.Script:
    """Parse a script; `line_offset` places it inside a larger file (a RUN body in a Dockerfile)."""
    data = text.encode("utf-8", "surrogateescape")
    tree, parsed, damaged = _parse_with_recovery(data)
    converter = _Converter(parsed, line_offset, path)
    body = converter.seq(tree.root_node.children)
    damaged |= converter.too_deep
    lines = text.splitlines()
    shebang = lines[0] if lines and lines[0].startswith("#!") else None
    return m.Script(path, body, converter.functions, _damage_ranges(damaged, line_offset), lines, shebang,
                    line_offset)


def _damage_ranges(rows: set[int], line_offset: int) -> list[m.Damage]:
    ranges: list[m.Damage] = []
    for row in sorted(rows):
        line = row + 1 + line_offset
        if ranges and ranges[-1].end_line + 1 >= line:
            ranges[-1].end_line = line
        else:
            ranges.append(m.Damage(line, line))
    return ranges


_ESCAPED = re.compile(r"\\(.)", re.S)
_ESCAPED_IN_DOUBLE = re.compile(r'\\([$`"\\\n])')


def pin_lines(script: m.Script, line_of) -> m.Script:
    """Point every command of a script parsed from text that is not written line for line in its file (an echoed
    script, a compose `- |` string) at the file line `line_of(line in the text)` gives, column 1."""
    for command in m.iter_commands(script.body):
        command.line = command.end_line = line_of(command.line)
        command.column = 1
    return script


def _unescape_word(text: str) -> str:
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


def _unescape_double(text: str) -> str:
    return _ESCAPED_IN_DOUBLE.sub(r"\1", text) if "\\" in text else text


_ARGS_NAMES = {"@", "*"}
_SELF_NAMES = {"0", "BASH_SOURCE"}


class _Converter:
    """Turn tree-sitter nodes into `shell_model` nodes, skipping ERROR subtrees."""

    def __init__(self, data: bytes, line_offset: int = 0, path: str = ""):
        self.data = data
        self.path = path
        self.line_offset = line_offset
        self.functions: dict[str, m.FunctionDef] = {}
        self.depth = 0
        self.too_deep: set[int] = set()
        self._ascii_rows: dict[int, bool] = {}

    # -- positions -------------------------------------------------------------------------
    def text(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "surrogateescape")

    def start(self, node) -> tuple[int, int]:
        """1-based (line, character column) of the node's start; tree-sitter counts bytes."""
        return self._position(node.start_byte, node.start_point)

    def end(self, node) -> tuple[int, int]:
        return self._position(node.end_byte, node.end_point)

    def _position(self, offset: int, point) -> tuple[int, int]:
        row_start = offset - point.column
        if self._ascii_row(row_start):
            return point.row + 1 + self.line_offset, point.column + 1
        prefix = self.data[row_start:offset]
        return point.row + 1 + self.line_offset, len(prefix.decode("utf-8", "replace")) + 1

    def _ascii_row(self, row_start: int) -> bool:
        """Whether the row is plain ASCII (bytes are characters), checked once per row."""
        known = self._ascii_rows.get(row_start)
        if known is None:
            row_end = self.data.find(b"\n", row_start)
            known = self.data[row_start:row_end if row_end >= 0 else len(self.data)].isascii()
            self._ascii_rows[row_start] = known
        return known

    # -- statements ------------------------------------------------------------------------
    def seq(self, nodes) -> m.Seq:
        items: list[m.Node] = []
        nodes = [node for node in nodes if node.is_named or node.type == "&"]
        for index, node in enumerate(nodes):
            if node.type == "&":
                continue
            converted = self.statement(node)
            if converted is None:
                continue
            if index + 1 < len(nodes) and nodes[index + 1].type == "&":
                _mark_background(converted)
            elif isinstance(converted, m.Command):
                converted.standalone = True
            items.append(converted)
        return m.Seq(items)

    def statement(self, node):
        """Convert one statement; nesting deeper than MAX_NESTING becomes damage, not recursion."""
        if self.depth >= MAX_NESTING:
            self.too_deep.update(range(node.start_point.row, node.end_point.row + 1))
            return None
        self.depth += 1
        try:
            return self._statement(node)
        finally:
            self.depth -= 1

    def _statement(self, node):
        kind = node.type
        if kind in ("comment", "ERROR", "heredoc_body", "heredoc_end") or node.is_missing:
            return None
        if kind == "command":
            return self.command(node)
        if kind == "redirected_statement":
            body = self._redirected_body(node)
            if body is None:
                return None
            if body.type == "list":  # `a >> f && b >> f && ...`: flattened, each redirect to its command
                return self.and_or(node)
            converted = self.statement(body)
            if isinstance(converted, m.Command):
                converted.nested += self._nested_in(node, skip=body)
            target = converted
            # `a | b > f` and `a && b > f` (tree-sitter puts the redirect on the list): b's output goes to f
            while isinstance(target, (m.Pipeline, m.AndOr)) and target.items:
                target = target.items[-1]
            if isinstance(target, m.Command):
                target.redirects += self._redirects(node)
            elif isinstance(converted, m.Seq) and body.type == "compound_statement":
                _spread_group_redirects(converted, self._redirects(node))
            return converted
        if kind in ("test_command",):
            return self.test_command(node)
        if kind == "variable_assignment":
            return self.assignment(node)
        if kind == "variable_assignments":
            return m.Seq([a for a in (self.assignment(c) for c in node.named_children
                                      if c.type == "variable_assignment") if a])
        if kind == "declaration_command":
            assignments = [self.assignment(c) for c in node.named_children if c.type == "variable_assignment"]
            return m.Seq([a for a in assignments if a]) if assignments else None
        if kind == "unset_command":
            return None
        if kind == "if_statement":
            return self.if_statement(node)
        if kind == "case_statement":
            return self.case_statement(node)
        if kind in ("while_statement", "for_statement", "c_style_for_statement"):
            return self.loop(node)
        if kind == "list":
            return self.and_or(node)
        if kind == "pipeline":
            parts = [self.statement(c) for c in node.named_children]
            return m.Pipeline([p for p in parts if p is not None])
        if kind == "subshell":
            return m.Subshell(self.seq(node.children))
        if kind == "compound_statement":
            return self.seq(node.children)
        if kind == "negated_command":
            inner = [self.statement(c) for c in node.named_children]
            inner = [i for i in inner if i is not None]
            return m.Negated(inner[0]) if inner else None
        if kind == "function_definition":
            return self.function(node)
        return None

    def command(self, node) -> m.Command | None:
        words: list[m.Word] = []
        end_byte = -1
        nested: list[m.Seq] = []
        prefix_assignments = False
        redirects = self._redirects(node)
        for child in node.named_children:
            if child.type == "variable_assignment":
                prefix_assignments = True
                nested += self._nested_in(child)
                continue
            if child.type.endswith("redirect") or child.type in ("comment", "ERROR"):
                continue
            if child.type == "command_name" and child.named_children and child.named_children[0].is_missing:
                continue  # `key=$(decode) > /dev/null`: no command, only an assignment with redirects
            target = child.named_children[0] if child.type == "command_name" and child.named_children else child
            if words and child.type != "command_name" and target.start_byte == end_byte:
                # tree-sitter-bash splits `$url/$branch/$name` in two nodes with no space between: one word
                text = words[-1].text + self.text(target)
                words[-1] = m.Word(text, m.DYNAMIC if "$" in text or "`" in text else m.LITERAL,
                                   None if "$" in text or "`" in text else _unescape_word(text))
            else:
                words.append(self.word(target))
            end_byte = target.end_byte
            nested += self._nested_in(target)
        following = node.next_sibling
        if len(words) > 1 and words[-1].kind == m.LITERAL and (words[-1].value or "").isdigit() and \
                following is not None and following.type.endswith("redirect") and following.start_byte == end_byte:
            words.pop()  # `exec 0<&-`: tree-sitter-bash reads the redirect's descriptor as the command's last word
        if not words and not prefix_assignments:
            return None
        return m.Command(words, *self.start(node), *self.end(node), self.text(node), nested=nested,
                         has_assignments=prefix_assignments, path=self.path, redirects=redirects)

    def _redirects(self, node) -> list[tuple[str, str, m.Word]]:
        """(file descriptor or '', operator, target) of each file redirection directly under `node`."""
        found = []
        for child in node.children:
            if child.type != "file_redirect":
                continue
            descriptor, operator, target = "", "", None
            for part in child.children:
                if part.type == "file_descriptor":
                    descriptor = self.text(part)
                elif not part.is_named:
                    operator = self.text(part)
                elif target is None:
                    target = self.word(part)
            if target is not None:
                found.append((descriptor, operator, target))
        return found

    def test_command(self, node) -> m.Command:
        words = [m.Word("[", m.LITERAL, "[")]
        return m.Command(words, *self.start(node), *self.end(node), self.text(node), is_test=True,
                         nested=self._nested_in(node), path=self.path)

    def assignment(self, node) -> m.Assignment | None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if name_node is None:
            return None
        value = self.word(value_node) if value_node is not None else m.Word("", m.LITERAL, "")
        if value_node is not None and value_node.type == "array":  # `CMD=(gunicorn app:wsgi)`: its words
            elements = [self.word(c) for c in value_node.named_children]
            if elements and all(e.kind == m.LITERAL and e.value and " " not in e.value for e in elements):
                value = m.Word(value.text, m.LITERAL, " ".join(e.value or "" for e in elements))
            elif elements and elements[0].kind == m.LITERAL and elements[0].value and " " not in elements[0].value:
                value = m.Word('"' + " ".join(e.text for e in elements) + '"', m.DYNAMIC)  # its program is known
        return m.Assignment(self.text(name_node), value, *self.start(node), nested=self._nested_in(node))

    def if_statement(self, node) -> m.If:
        branches: list[tuple[m.Seq, m.Seq]] = []
        else_body = None
        condition: list = []
        body: list = []
        state = "condition"
        for child in node.children:
            kind = child.type
            if kind == "then":
                state = "body"
            elif kind in ("elif_clause", "else_clause"):
                if state != "done":
                    branches.append((self.seq(condition), self.seq(body)))
                    state = "done"
                if kind == "elif_clause":
                    branches.append(self._elif(child))
                else:
                    else_body = self.seq(child.children)
            elif state == "condition" and kind != "if":
                condition.append(child)
            elif state == "body" and kind != "fi":
                body.append(child)
        if state != "done":
            branches.append((self.seq(condition), self.seq(body)))
        return m.If(branches, else_body)

    def _elif(self, node) -> tuple[m.Seq, m.Seq]:
        condition: list = []
        body: list = []
        in_body = False
        for child in node.children:
            if child.type == "then":
                in_body = True
            elif child.type != "elif":
                (body if in_body else condition).append(child)
        return self.seq(condition), self.seq(body)

    def case_statement(self, node) -> m.Case:
        subject_node = node.child_by_field_name("value")
        subject = self.word(subject_node) if subject_node is not None else None
        items, lines = [], []
        for item in node.named_children:
            if item.type != "case_item":
                continue
            patterns: list[str] = []
            body: list = []
            seen_paren = False
            for child in item.children:
                if child.type == ")" and not seen_paren:
                    seen_paren = True
                elif not seen_paren:
                    if child.is_named:
                        patterns.append(self.text(child))
                elif child.type not in (";;", ";&", ";;&"):
                    body.append(child)
            items.append((patterns, self.seq(body)))
            lines.append(self.start(item)[0])
        return m.Case(subject, items, lines)

    def loop(self, node) -> m.Loop:
        body_node = node.child_by_field_name("body")
        condition = [c for c in node.named_children if c != body_node and c.type not in ("variable_name",)]
        if node.type != "while_statement":
            condition = []
        body = self.seq(body_node.children) if body_node is not None else m.Seq([])
        loop = m.Loop(self.seq(condition), body, until=bool(node.children) and node.children[0].type == "until")
        if node.type == "for_statement":
            variable = node.child_by_field_name("variable")
            loop.variable = self.text(variable) if variable is not None else None
            loop.items = [self.word(child) for index, child in enumerate(node.children)
                          if node.field_name_for_child(index) == "value"]
        return loop

    def and_or(self, node) -> m.AndOr:
        """`a && b || c`, which tree-sitter nests to the left, flattened without recursion. tree-sitter also hangs
        `a >> f && b >> f` redirects on the lists (redirected_statement > list > redirected_statement > ...): each
        redirect goes to the command just before it, so a long `echo ... >> f && \\` RUN stays flat."""
        spine = [node]
        while True:
            current = spine[-1]
            first = current.children[0] if current.children else None
            if current.type == "redirected_statement":
                body = self._redirected_body(current)
                if body is None or body.type != "list":
                    break
                spine.append(body)
            elif first is not None and (first.type == "list" or (
                    first.type == "redirected_statement" and (inner := self._redirected_body(first)) is not None
                    and inner.type == "list")):
                spine.append(first)
            else:
                break
        items: list[m.Node] = []
        operators: list[str] = []
        for depth, current in enumerate(reversed(spine)):
            if current.type == "redirected_statement":
                target = items[-1] if items else None
                while isinstance(target, (m.Pipeline, m.AndOr)) and target.items:
                    target = target.items[-1]
                if isinstance(target, m.Command):
                    target.redirects += self._redirects(current)
                continue
            for index, child in enumerate(current.children):
                if depth > 0 and index == 0:
                    continue  # the inner list, already read
                if child.type in ("&&", "||"):
                    operators.append(child.type)
                elif child.is_named:
                    converted = self.statement(child)
                    if isinstance(converted, m.AndOr):
                        items += converted.items
                        operators += converted.operators
                    elif converted is not None:
                        items.append(converted)
        return m.AndOr(items, operators)

    def _redirected_body(self, node):
        body = node.child_by_field_name("body")
        if body is None:
            named = [c for c in node.children if c.is_named and not c.type.endswith("redirect")]
            body = named[0] if named else None
        return body

    def function(self, node) -> m.FunctionDef | None:
        name_node = node.child_by_field_name("name")
        body_node = node.child_by_field_name("body")
        if name_node is None or body_node is None:
            return None
        body = self.statement(body_node)
        if isinstance(body, m.Subshell):
            body = m.Seq([body])
        if not isinstance(body, m.Seq):
            body = m.Seq([body] if body is not None else [])
        function = m.FunctionDef(self.text(name_node), body, self.start(node)[0])
        self.functions[function.name] = function
        return function

    # -- words -----------------------------------------------------------------------------
    def word(self, node) -> m.Word:
        text = self.text(node)
        kind = node.type
        if kind in ("word", "number"):
            return m.Word(text, m.LITERAL, _unescape_word(text))
        if kind == "raw_string":
            return m.Word(text, m.LITERAL, text[1:-1], quoted=True)
        if kind == "string":
            inner = [c for c in node.named_children]
            if all(c.type == "string_content" for c in inner):
                return m.Word(text, m.LITERAL, _unescape_double(text[1:-1]), quoted=True)
            if len(inner) == 1 and inner[0].type in ("simple_expansion", "expansion"):
                special = self._special(inner[0])
                if special is not None:
                    kind_, var = special
                    if kind_ == m.ARRAY:  # `"${CMD[@]}"` splits into its elements, like an unquoted word
                        return m.Word(text, m.VAR, var=var, quoted=False)
                    return m.Word(text, kind_, var=var, quoted=True)
            return m.Word(text, m.DYNAMIC, quoted=True)
        if kind in ("simple_expansion", "expansion"):
            special = self._special(node)
            if special is not None:
                return m.Word(text, m.VAR if special[0] == m.ARRAY else special[0], var=special[1])
            return m.Word(text, m.DYNAMIC)
        if kind == "concatenation":
            parts = [self.word(c) for c in node.named_children]
            if parts and all(p.kind == m.LITERAL for p in parts):
                return m.Word(text, m.LITERAL, "".join(p.value or "" for p in parts))
        return m.Word(text, m.DYNAMIC)

    def _special(self, node):
        """(ARGS|SELF|VAR, name) for `$@`, `${0}`, `${BASH_SOURCE[0]}`, `$var`; None for `${v:-x}`."""
        named = node.named_children
        if not named:
            return None
        first = named[0]
        name = self.text(first)
        if first.type == "subscript":
            base = first.child_by_field_name("name")
            index = first.child_by_field_name("index")
            if base is not None and self.text(base) == "BASH_SOURCE" and index is not None and self.text(index) == "0":
                return (m.SELF, "BASH_SOURCE")
            if base is not None and index is not None and self.text(index) in ("@", "*") and \
                    self.text(base) not in ("BASH_ARGV", "FUNCNAME", "PIPESTATUS"):
                return (m.ARRAY, self.text(base))  # `"${CMD[@]}"`: every element, one word each
            return None
        if len(named) != 1 or first.type not in ("variable_name", "special_variable_name"):
            return None
        if name in _ARGS_NAMES:
            return (m.ARGS, name)
        if name in _SELF_NAMES:
            return (m.SELF, name)
        if first.type == "variable_name":
            return (m.VAR, name)
        return None

    def _nested_in(self, node, skip=None) -> list[m.Seq]:
        """Command and process substitutions anywhere inside `node`."""
        found: list[m.Seq] = []
        stack = [node]
        while stack:
            current = stack.pop()
            if current is skip or current.type == "ERROR":
                continue
            if current.type in ("command_substitution", "process_substitution"):
                found.append(self.seq(current.children))
                continue
            stack.extend(current.children)
        return found


def _mark_background(node) -> None:
    if isinstance(node, m.Command):
        node.background = True
    elif isinstance(node, m.Subshell):
        node.background = True
    elif isinstance(node, (m.Pipeline, m.AndOr)) and node.items:
        for item in node.items:
            _mark_background(item)
    elif isinstance(node, m.Seq):
        for item in node.items:
            _mark_background(item)
    elif isinstance(node, m.Negated):
        _mark_background(node.body)
    elif isinstance(node, (m.Loop, m.If, m.Case)):  # `{ while true; do daemon; done } &`: all of it runs aside
        for child in m.children(node, into_nested=False):
            _mark_background(child)


def _spread_group_redirects(group: m.Seq, redirects: list) -> None:
    """`{ echo a; echo b; } > f`: each command of the group writes on where the one before stopped, so the first
    takes the group's operator and the others append (`>>`). Other descriptors go to every command as written.
    Only a group of simple commands: one with an `if` or a loop inside keeps no redirect."""
    commands = [item for item in group.items if isinstance(item, m.Command)]
    if len(commands) != len(group.items):
        return  # an `if` or a loop inside writes some lines only: the file's text cannot be told, so none is given
    for position, command in enumerate(commands):
        for descriptor, operator, target in redirects:
            if position and descriptor in ("", "1") and operator in (">", ">|"):
                operator = ">>"
            command.redirects.append((descriptor, operator, target))
