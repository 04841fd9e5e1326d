"""privlint.record, the small stand-in for dataclasses that keeps `inspect` out of cold start."""

from __future__ import annotations

import pytest

from privlint.record import factory, record, replace


@record(frozen=True)
class Point:
    x: int
    y: int = 0


@record
class Bag:
    name: str
    items: list = factory(list)


@record(eq=False)
class Node:
    label: str


def test_init_defaults_factories_and_repr():
    assert Point(1) == Point(1, 0) and Point(1).y == 0
    first, second = Bag("a"), Bag("b")
    first.items.append(1)
    assert second.items == [] and Bag("c", [2]).items == [2]
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    with pytest.raises(TypeError):
        Point()


def test_frozen_records_hash_and_refuse_changes():
    assert len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2
    with pytest.raises(AttributeError):
        Point(1).x = 3


def test_identity_equality_when_asked_and_replace():
    assert Node("a") != Node("a") and len({Node("a"), Node("a")}) == 2
    assert replace(Point(1, 2), y=5) == Point(1, 5)


def test_privlint_no_longer_imports_dataclasses_or_inspect():
    import subprocess
    import sys

    code = ("import sys, privlint.cli, privlint.lint, privlint.rules, privlint.report.text_report; "
            "print(sorted(m for m in ('dataclasses', 'inspect', 'typing', 'rich', 'shutil', 'argparse', 'gettext') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True,
                         cwd="/").stdout
    assert out.strip() == "[]"
