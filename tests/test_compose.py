"""Reading compose files: the settings privlint takes from a service."""

from __future__ import annotations

import os

from privlint.compose import read_compose


def test_bind_mounts_short_and_long_syntax(tmp_path):
    text = """services:
  app:
    image: x
    volumes:
      - ./run.sh:/run.sh:ro
      - data:/var/lib/data
      - ~/conf:/etc/app
      - "../shared/lib:/opt/lib/"
      - type: bind
        source: ./bin
        target: /usr/local/bin
      - type: volume
        source: cache
        target: /cache
      - C:relative-not-a-path
volumes:
  data:
  cache:
"""
    path = str(tmp_path / "compose" / "docker-compose.yml")
    (service,) = read_compose(path, text)
    folder = os.path.dirname(path)
    assert [(m.value, m.line) for m in service.mounts] == [
        (("/run.sh", os.path.join(folder, "run.sh")), 5),
        (("/etc/app", None), 7),  # the home folder of whoever runs compose: not readable
        (("/opt/lib", os.path.normpath(os.path.join(folder, "../shared/lib"))), 8),
        (("/usr/local/bin", os.path.join(folder, "bin")), 9),
    ]


def test_services_differing_only_in_mounts_are_linted_apart(tmp_path):
    text = """services:
  a:
    build: .
    volumes: ["./one.sh:/run.sh"]
  b:
    build: .
    volumes: ["./two.sh:/run.sh"]
  c:
    build: .
    volumes: ["./one.sh:/run.sh"]
"""
    a, b, c = read_compose(str(tmp_path / "compose.yaml"), text)
    assert a.key() != b.key()
    assert a.key() == c.key()
