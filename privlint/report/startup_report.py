"""`privlint startup`: the start-up descriptions (privlint.describe) as a rich tree, a text outline or JSON."""

from __future__ import annotations

import json

from privlint import __version__
from privlint.report.safe import printable


def render(result, stream, options, name: str) -> None:
    if name == "json":
        document = {"version": __version__, "startups": result.startups,
                    "errors": [{"path": e.path, "message": e.message} for e in result.errors]}
        stream.write(json.dumps(document, indent=2, ensure_ascii=True) + "\n")
        return
    lines = [line for startup in result.startups for line in _outline(startup)]
    if name == "rich":
        from rich.console import Console
        from rich.text import Text
        from rich.tree import Tree

        console = Console(file=stream, no_color=options.no_color, highlight=False, soft_wrap=True,
                          force_terminal=options.force_terminal,
                          color_system=None if options.no_color else "auto")
        if not console.is_terminal:
            console.width = 200  # a file or a pipe: no terminal width to fit, so no line is cut
        for startup in result.startups:
            outline = _outline(startup)
            tree = Tree(Text(printable(outline[0][1]), style="bold", overflow="fold"))
            nodes = {0: tree}
            for depth, text in outline[1:]:
                parent = nodes.get(depth - 1, tree)
                nodes[depth] = parent.add(Text(printable(text), style="dim" if depth > 1 else "", overflow="fold"))
            console.print(tree)
        return
    for depth, text in lines:
        stream.write(printable("  " * depth + text) + "\n")


def _at(path, line) -> str:
    if path is None:
        return ""
    return f" ({path}:{line})" if line else f" ({path})"


def _outline(startup: dict) -> list[tuple[int, str]]:
    """(depth, text) lines: the tree the rich format draws and the text format indents."""
    head = startup["dockerfile"] or "(script alone)"
    if startup["service"]:
        head += f" as compose service `{startup['service']['name']}` ({startup['service']['path']})"
    out = [(0, head)]
    stage = startup["stage"]
    if stage:
        name = f" `{stage['name']}`" if stage["name"] else ""
        out.append((1, f"stage {stage['index']}{name} FROM {stage['base']} (line {stage['line']})"))
    if startup["context"]:
        out.append((1, f"build context: {startup['context']}"))
    user = startup["user"]
    if user:
        kind = "root" if user["root"] else "not root"
        value = user["value"] if user["value"] is not None else "unresolved (a variable)"
        where = _at(user["path"], user["line"])
        out.append((1, f"user at start: {value} ({kind}), from the {user['from']}{where}"))
    if startup["pid1"]:
        out.append((1, "PID 1 chain"))
        for step in startup["pid1"]:
            read = f", read from {step['file']}" if step.get("file") else ""
            out.append((2, f"{step['kind']}: {step['program']} as {step['user']}{read}"
                           f"{_at(step['path'], step['line'])}"))
    if startup["ends"]:
        out.append((1, "path ends of the PID 1 scripts"))
        for end in startup["ends"]:
            mark = "exec" if end["exec"] else ("exit" if end["how"] == "exit" else "no exec")
            out.append((2, f"{end['path']}:{end['line']} [{mark}] {end['command']} (as {end['user']})"))
    for key, title in (("drops", "drops and sudo/su"), ("sourced", "sourced files"),
                       ("foreground", "scripts run in the foreground"), ("run_scripts", "scripts RUN executes"),
                       ("downloads", "downloads")):
        if not startup[key]:
            continue
        out.append((1, title))
        for item in startup[key]:
            out.append((2, _item(key, item)))
    if startup["unseen"]:
        out.append((1, "not seen"))
        out += [(2, text) for text in startup["unseen"]]
    return out


def _item(key: str, item: dict) -> str:
    if key == "drops":
        guard = ", guarded by a root check" if item["guarded"] else ""
        return f"{item['path']}:{item['line']} {item['tool']} to {item['user'] or '?'}{guard}"
    if key == "sourced":
        if item["path"] is None:
            return f"{item['from']}:{item['line']} {item['text']} (not read)"
        return f"{item['from']}:{item['line']} reads {item['path']}"
    if key == "foreground":
        return f"{item['path']} (run from {item['from']}:{item['line']})"
    if key == "run_scripts":
        return f"{item['path']} (RUN at line {item['run_line']})"
    state = "verified" if item["verified"] else "NOT verified"
    uses = ", ".join(item["uses"]) or "not used"
    tool = f"{item['tool']}: " if item["tool"] else ""
    return f"{item['path']}:{item['line']} {tool}{item['url']} ({uses}; {state})"
