"""Findings grouped by file, coloured by severity, with the source line and a marker under it.

File text is wrapped in `rich.text.Text`, never parsed as markup, and control characters are escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from privlint.finding import Severity, fix_summary, plural
from privlint.report.safe import printable

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(result, stream, options) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, no_color=options.no_color, highlight=False, soft_wrap=True,
                      force_terminal=options.force_terminal,
                      color_system=None if options.no_color else "auto")  # NO_COLOR: no styling at all
    by_file = defaultdict(list)
    for finding in result.findings:
        by_file[finding.path].append(finding)
    for path, findings in by_file.items():
        console.print(Text(printable(path), style="bold underline"))
        lines = result.sources.get(path, [])
        for finding in findings:
            header = Text(f"  {finding.line}:{finding.column} ")
            header.append(finding.rule, style=_STYLE[finding.severity])
            header.append(f" [{finding.severity.label}] ", style=_STYLE[finding.severity])
            if finding.mark:
                header.append(f"{finding.mark} ", style="bold green" if finding.fixable else "yellow")
            header.append(printable(finding.message))
            console.print(header)
            if options.quiet:
                continue
            if 0 < finding.line <= len(lines):
                source = printable(lines[finding.line - 1].expandtabs(4))
                indent = len(source) - len(source.lstrip())
                console.print(Text(f"    {finding.line:>4} | {source}", style="dim"))
                width = _marker_width(finding, source, indent)
                start = max(finding.column - 1, indent) if finding.column > 1 else indent
                console.print(Text(" " * (11 + start) + "^" * width, style=_STYLE[finding.severity]))
            console.print(Text("    fix: " + printable(finding.fix), style="green"))
            for step in finding.related:  # the path that explains the finding, in start-up order
                code = result.sources.get(step.path, [])
                snippet = code[step.line - 1].strip() if 0 < step.line <= len(code) else ""
                trail = Text(f"      ↳ {printable(step.path)}:{step.line} ", style="dim")
                trail.append(printable(step.message), style="dim italic")
                if snippet and snippet not in step.message:
                    trail.append(f"  | {printable(snippet[:80])}", style="dim")
                console.print(trail)
        console.print()
    if options.quiet:
        return
    for note in result.notes:
        console.print(Text(printable(f"{note.path}: note: {note.message}"), style="cyan"))
    counts = Counter(f.severity for f in result.findings)
    summary = Text(f"{plural(result.files, 'file')} checked: ")
    parts = [(counts[s], s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    for index, (count, severity) in enumerate(parts):
        summary.append(plural(count, severity.label), style=_STYLE[severity] if count else None)
        summary.append(", " if index < 2 else "")
    if result.errors:
        summary.append(f"; {plural(len(result.errors), 'file')} not read", style="bold red")
    fixes = fix_summary(result.findings)
    if fixes:
        summary.append(f"; {fixes}", style="green")
    console.print(summary)


def _marker_width(finding, source: str, indent: int) -> int:
    if finding.end_column and finding.end_line == finding.line and finding.end_column > finding.column:
        return finding.end_column - finding.column
    return max(1, len(source) - max(finding.column - 1, indent))
