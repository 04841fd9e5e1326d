"""Compose files → services, each as it is run: the image it builds, and what the service overrides.

Read with PyYAML's node graph (imported only when a compose file is linted): positions come from node
marks, nothing is constructed (safe, custom tags read as plain values), and aliases are walked once
each, so an alias bomb costs what its text costs. `extends` (same file, or another within reach),
merge keys (`<<: *anchor`), `${VAR:-default}` interpolation (with the `.env` beside the file) and
profiles (every service counts) are understood.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex

from privlint.record import factory, record

#: Bounds on hostile input: nodes walked per file, extends depth, services per file.
MAX_NODES = 200_000
MAX_EXTENDS = 4
MAX_SERVICES = 500


class ComposeError(Exception):
    """A compose file privlint cannot read: the message says why (exit code 2)."""


@record
class Setting:
    """One value a service sets, and where."""

    value: object
    line: int
    path: str | None = None  # the file it is written in, when not the service's own (an override file)


@record
class Service:
    name: str
    path: str  # the compose file
    line: int  # the service's own line
    dockerfile: str | None = None  # on disk, when the service builds an image
    context: str | None = None  # the build context on disk
    target: str | None = None
    user: Setting | None = None
    entrypoint: Setting | None = None  # Setting(list of words)
    command: Setting | None = None
    working_dir: str | None = None
    environment: dict = factory(dict)
    init: Setting | None = None
    privileges: list = factory(list)  # Setting("privileged: true") ...
    no_new_privileges: bool = False
    mounts: list = factory(list)  # Setting((container path, host path on disk or None)) for each bind mount
    image: str | None = None  # the `image:` name (the tag a build gets, or the image run)
    build_args: dict = factory(dict)  # `build: args:`, the values the Dockerfile's ARGs take
    unresolved: tuple = ()  # `command:`/`entrypoint:` whose program is a variable compose's .env does not set

    def key(self) -> tuple:
        """What makes two services run an image the same way (for linting it once)."""
        def value(setting):
            return None if setting is None else repr(setting.value)

        return (os.path.realpath(self.dockerfile or ""), os.path.realpath(self.context or ""), self.target,
                value(self.user), value(self.entrypoint), value(self.command), self.unresolved, self.working_dir,
                tuple(sorted(self.environment.items())), value(self.init), tuple(s.value for s in self.privileges),
                self.no_new_privileges, tuple(m.value for m in self.mounts), tuple(sorted(self.build_args.items())))


def read_compose(path: str, text: str) -> list[Service]:
    """The services of a compose file; raises ComposeError for input that is not a compose file."""
    root = _compose_root(text)
    environment = _dotenv(os.path.dirname(path))
    reader = _Reader(path, environment)
    services_node = reader.get(root, "services")
    if services_node is None and _version_one(reader, root):
        services_node = root  # the version 1 format: the services are the top level
    if services_node is None or not _is_mapping(services_node):
        raise ComposeError("YAML, but not a compose file: there is no `services:` mapping")
    if merged_into(path) is not None:
        return []  # `docker-compose.override.yml` beside `docker-compose.yml`: read as part of that file
    services = []
    overrides = _override_fields(path, environment) if os.path.basename(path) in DEFAULT_NAMES else {}
    for key, node in reader.items(services_node)[:MAX_SERVICES]:
        name = reader.scalar(key) or "?"
        if not _is_mapping(node):
            continue
        fields = reader.service_fields(node, services_node, path, 0)
        fields.update(overrides.get(name, {}))  # compose merges the override file: its keys win
        services.append(reader.service(name, key.start_mark.line + 1, fields))
    # `image: app:latest` with no `build:` runs the image another service builds and tags with that name (a
    # worker sharing the web service's image)
    built = {service.image: service for service in services if service.image and service.dockerfile}
    for service in services:
        builder = built.get(service.image) if service.dockerfile is None and service.image else None
        if builder is not None:
            service.dockerfile, service.context, service.target = builder.dockerfile, builder.context, builder.target
    return services


#: The file names `docker compose` reads by default, and the override file each merges on top of it.
DEFAULT_NAMES = {"compose.yaml": "compose.override.yaml", "compose.yml": "compose.override.yml",
                 "docker-compose.yml": "docker-compose.override.yml",
                 "docker-compose.yaml": "docker-compose.override.yaml"}


def merged_into(path: str) -> str | None:
    """The default-named compose file beside `path` that `path` (an override file) is merged into, if any."""
    folder, name = os.path.split(path)
    for base, override in DEFAULT_NAMES.items():
        if name == override and os.path.isfile(os.path.join(folder, base)):
            return os.path.join(folder, base)
    return None


def override_of(path: str) -> str | None:
    """The override file compose merges over `path` (a default-named compose file), if there is one."""
    folder, name = os.path.split(path)
    override = os.path.join(folder, DEFAULT_NAMES[name]) if name in DEFAULT_NAMES else None
    return override if override is not None and os.path.isfile(override) else None


def _other(path: str, own: str) -> str | None:
    """The file a setting is written in, when it is not the service's own compose file."""
    return None if path == own else path


def _override_fields(path: str, environment: dict) -> dict:
    """service name → its fields in the override file beside a default-named compose file (`docker compose up`
    merges `docker-compose.override.yml` over `docker-compose.yml`), or {} when there is none."""
    from privlint.source import UnreadableFile, read_source

    override = override_of(path)
    if override is None:
        return {}
    try:
        root = _compose_root(read_source(override).text)
    except (UnreadableFile, ComposeError):
        return {}
    reader = _Reader(override, environment)
    services_node = reader.get(root, "services")
    if services_node is None or not _is_mapping(services_node):
        return {}
    found = {}
    for key, node in reader.items(services_node)[:MAX_SERVICES]:
        if _is_mapping(node):
            found[reader.scalar(key) or "?"] = reader.service_fields(node, services_node, override, 0)
    return found


def _version_one(reader, root) -> bool:
    """Compose's first format (`web: {build: ., command: ./run.sh}` at the top): every top-level value is a
    mapping, and one at least builds or names an image."""
    items = reader.items(root)
    return bool(items) and all(_is_mapping(node) for _, node in items) and any(
        reader.get(node, "build") is not None or reader.get(node, "image") is not None for _, node in items)


def _compose_root(text: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).split("\n", 1)[0]
        raise ComposeError(f"not valid YAML{where}: {problem}") from None
    except (ValueError, RecursionError) as error:
        raise ComposeError(f"not readable as YAML: {type(error).__name__}") from None
    if root is None or not _is_mapping(root):
        raise ComposeError("YAML, but not a compose file: the top level is not a mapping")
    return root


def _is_mapping(node) -> bool:
    return type(node).__name__ == "MappingNode"


def _is_sequence(node) -> bool:
    return type(node).__name__ == "SequenceNode"


def _dotenv(folder: str) -> dict:
    """KEY=VALUE lines of the `.env` beside the compose file (what compose interpolates from)."""
    found = {}
    try:
        with open(os.path.join(folder, ".env"), encoding="utf-8", errors="replace") as handle:
            text = handle.read(65536)
    except OSError:
        return found
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        found[name.strip()] = value.strip().strip("'\"")
    return found


#: Stands for a variable neither the .env file nor a default sets, in an argument (compose gives it "").
_UNSET = "\x00unset\x00"
_INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


class _Reader:
    def __init__(self, path: str, environment: dict):
        self.path = path
        self.environment = environment
        self.budget = MAX_NODES

    # -- nodes --------------------------------------------------------------------------------
    def items(self, node) -> list:
        """(key, value) pairs of a mapping, merge keys (`<<`) folded in, each node visited once."""
        found, seen = [], set()
        self._items(node, found, seen, 0)
        return found

    def _items(self, node, found: list, seen: set, depth: int) -> None:
        if id(node) in seen or depth > 8:
            return
        seen.add(id(node))
        for key, value in node.value:
            self.budget -= 1
            if self.budget < 0:
                raise ComposeError(f"more than {MAX_NODES} YAML nodes: not read")
            if getattr(key, "value", None) == "<<":
                merged = value.value if _is_sequence(value) else [value]
                for each in merged:
                    if _is_mapping(each):
                        self._items(each, found, seen, depth + 1)
                continue
            found[:] = [(k, v) for k, v in found if getattr(k, "value", None) != key.value]
            found.append((key, value))

    def get(self, node, name: str):
        for key, value in self.items(node):
            if key.value == name:
                return value
        return None

    def scalar(self, node, unknown_as: str | None = None) -> str | None:
        """A scalar's text with `${VAR:-default}` interpolated; None when a variable stays unknown (or, given
        `unknown_as`, that text in its place)."""
        if node is None or type(node).__name__ != "ScalarNode":
            return None
        text = node.value
        unknown = False

        def replace(match):
            nonlocal unknown
            if match.group(0) == "$$":
                return "$"
            name = match.group(1) or match.group(4)
            operator, default = match.group(2), match.group(3)
            value = self.environment.get(name)  # the .env file; the shell's environment is not the project's
            if value:
                return value
            if operator in (":-", "-") and default is not None:
                return default
            unknown = True
            return unknown_as or ""

        result = _INTERPOLATION.sub(replace, text)
        return None if unknown and unknown_as is None else result

    def words(self, node) -> list[str] | None:
        """`command:`/`entrypoint:` as compose reads them: a list, or a string split into words (no shell)."""
        if _is_sequence(node):
            words = [self.scalar(item, _UNSET) for item in node.value]
        else:
            text = self.scalar(node, _UNSET)
            if text is None:
                return None
            try:
                words = shlex.split(text)
            except ValueError:
                return None
        if any(w is None for w in words) or words and _UNSET in words[0]:
            return None  # the program itself is a variable compose could not resolve
        return [w.replace(_UNSET, "") for w in words]  # compose puts an empty string for an unset variable

    # -- services ------------------------------------------------------------------------------
    def service_fields(self, node, services_node, path: str, depth: int) -> dict:
        """key → (value node, the file it is in) for one service, `extends` resolved."""
        fields = {}
        extends = self.get(node, "extends")
        if extends is not None and depth < MAX_EXTENDS:
            base_name = self.scalar(extends) if not _is_mapping(extends) else self.scalar(self.get(extends, "service"))
            other = self.scalar(self.get(extends, "file")) if _is_mapping(extends) else None
            base = None
            if other:
                fields.update(self._other_file_service(os.path.join(os.path.dirname(path), other), base_name, depth))
            elif base_name:
                base = self.get(services_node, base_name)
                if base is not None and _is_mapping(base) and base is not node:
                    fields.update(self.service_fields(base, services_node, path, depth + 1))
        for key, value in self.items(node):
            if key.value != "extends":
                fields[key.value] = (value, path, key.start_mark.line + 1)
        return fields

    def _other_file_service(self, path: str, name: str | None, depth: int) -> dict:
        from privlint.source import UnreadableFile, read_source

        try:
            source = read_source(path)
            root = _compose_root(source.text)
        except (UnreadableFile, ComposeError):
            return {}
        reader = _Reader(path, self.environment)
        services_node = reader.get(root, "services")
        node = reader.get(services_node, name) if services_node is not None and name else None
        if node is None or not _is_mapping(node):
            return {}
        return reader.service_fields(node, services_node, path, depth + 1)

    def service(self, name: str, line: int, fields: dict) -> Service:
        service = Service(name, self.path, line)

        def field(key):
            return fields.get(key, (None, self.path, line))

        build, build_path, _ = field("build")
        if build is not None:
            folder = os.path.dirname(build_path)
            if _is_mapping(build):
                context = self.scalar(self.get(build, "context")) or "."
                dockerfile = self.scalar(self.get(build, "dockerfile")) or "Dockerfile"
                service.target = self.scalar(self.get(build, "target"))
                service.build_args = self._environment(self.get(build, "args"))
            else:
                context, dockerfile = self.scalar(build) or ".", "Dockerfile"
            if "://" not in context and not context.startswith("git@"):
                service.context = os.path.normpath(os.path.join(folder, context))
                service.dockerfile = os.path.normpath(os.path.join(service.context, dockerfile))
                lower = os.path.join(service.context, "dockerfile")
                if dockerfile == "Dockerfile" and not os.path.exists(service.dockerfile) and os.path.isfile(lower):
                    service.dockerfile = os.path.normpath(lower)  # as docker build does when Dockerfile is absent
        image, _, _ = field("image")
        service.image = self.scalar(image)
        user, user_path, user_line = field("user")
        if user is not None and self.scalar(user) is not None:
            service.user = Setting(self.scalar(user), user_line, _other(user_path, self.path))
        for key in ("entrypoint", "command"):
            node, key_path, key_line = field(key)
            if node is not None:
                words = self.words(node)
                if words is not None:
                    setattr(service, key, Setting(words, key_line, _other(key_path, self.path)))
                else:
                    service.unresolved += (key,)
        working_dir, _, _ = field("working_dir")
        service.working_dir = self.scalar(working_dir)
        environment, _, _ = field("environment")
        service.environment = self._environment(environment)
        init, init_path, init_line = field("init")
        if self.scalar(init) in ("true", "True", "yes"):
            service.init = Setting(True, init_line, _other(init_path, self.path))
        for key, risky in (("privileged", ("true", "True", "yes")), ("pid", ("host",)), ("network_mode", ("host",))):
            node, key_path, key_line = field(key)
            if self.scalar(node) in risky:
                service.privileges.append(Setting(f"{key}: {self.scalar(node)}", key_line, _other(key_path, self.path)))
        cap_add, cap_path, cap_line = field("cap_add")
        if cap_add is not None and _is_sequence(cap_add):
            for item in cap_add.value:
                value = (self.scalar(item) or "").upper().removeprefix("CAP_")
                if value in ("ALL", "SYS_ADMIN"):
                    service.privileges.append(Setting(f"cap_add: {value}", cap_line, _other(cap_path, self.path)))
        volumes, volumes_path, volumes_line = field("volumes")
        service.mounts = self._binds(volumes, os.path.dirname(volumes_path), volumes_line)
        security, _, _ = field("security_opt")
        if security is not None and _is_sequence(security):
            options = [(self.scalar(item) or "").replace("=", ":") for item in security.value]
            service.no_new_privileges = any(o in ("no-new-privileges", "no-new-privileges:true") for o in options)
        return service

    def _binds(self, node, folder: str, line: int) -> list:
        """The bind mounts of `volumes:` (`./run.sh:/run.sh:ro`, or `type: bind` with source and target): what
        the container sees at the target is the host's file, not the image's. The host path is None when it is
        not under the compose file's folder tree (`/etc/x`, `~/x`, an unknown variable): privlint cannot read it."""
        found = []
        if node is None or not _is_sequence(node):
            return found
        for item in node.value[:MAX_SERVICES]:
            item_line = item.start_mark.line + 1 if hasattr(item, "start_mark") else line
            if _is_mapping(item):
                if self.scalar(self.get(item, "type")) != "bind":
                    continue
                source, target = self.scalar(self.get(item, "source")), self.scalar(self.get(item, "target"))
            else:
                text = self.scalar(item)
                if text is None or ":" not in text:
                    continue
                source, _, rest = text.partition(":")
                target = rest.split(":", 1)[0]
            if not source or not target or not target.startswith("/"):
                continue
            if not source.startswith((".", "/", "~")):
                continue  # a named volume: the image's content is copied into it at first use
            host = None
            if source.startswith("."):
                host = os.path.normpath(os.path.join(folder, source))
            found.append(Setting((posixpath.normpath(target), host), item_line))
        return found

    def _environment(self, node) -> dict:
        found = {}
        if node is None:
            return found
        if _is_mapping(node):
            for key, value in self.items(node):
                text = self.scalar(value)
                if text is not None:
                    found[key.value] = text
        elif _is_sequence(node):
            for item in node.value:
                text = self.scalar(item) or ""
                if "=" in text:
                    name, _, value = text.partition("=")
                    found[name] = value
        return found
