"""A small stand-in for `dataclasses`, because cold start matters on a pre-commit hook.

`import dataclasses` pulls in `inspect` (with ast, dis, tokenize: ~9 ms), and each `@dataclass`
compiles its methods when the class is defined. `@record` reads the annotations, and compiles a
class's `__init__` the first time an instance is made, so classes a run never builds cost nothing.
"""

from __future__ import annotations


class factory:
    """Default built fresh for every instance: `items: list = factory(list)`."""

    def __init__(self, make):
        self.make = make


_MISSING = object()


def record(cls=None, *, frozen: bool = False, eq: bool = True):
    """Give `cls` an `__init__` over its annotated fields, a `__repr__`, and value equality if `eq`."""

    def wrap(cls):
        names = list(cls.__dict__.get("__annotations__", {}))
        defaults = {}
        for name in names:
            value = cls.__dict__.get(name, _MISSING)
            if value is not _MISSING:
                defaults[name] = value
                if isinstance(value, factory):
                    delattr(cls, name)
        cls._record_fields = tuple(names)
        cls._record_defaults = defaults
        cls._record_frozen = frozen
        cls.__init__ = _first_init
        cls.__repr__ = _repr
        if eq:
            cls.__eq__ = _eq
            cls.__hash__ = _hash if frozen else None
        if frozen:
            cls.__setattr__ = _refuse
            cls.__delattr__ = _refuse
        return cls

    return wrap if cls is None else wrap(cls)


def replace(instance, **changes):
    """A copy of a record with some fields changed (like `dataclasses.replace`)."""
    values = {name: getattr(instance, name) for name in type(instance)._record_fields}
    values.update(changes)
    return type(instance)(**values)


def _first_init(self, *args, **kwargs):
    cls = type(self)
    cls.__init__ = _compile_init(cls)
    cls.__init__(self, *args, **kwargs)


def _compile_init(cls):
    parameters, body = [], []
    namespace = {"_defaults": cls._record_defaults, "_set": object.__setattr__}
    for name in cls._record_fields:
        default = cls._record_defaults.get(name, _MISSING)
        if default is _MISSING:
            parameters.append(name)
            value = name
        elif isinstance(default, factory):
            parameters.append(f"{name}=None")
            value = f"_defaults[{name!r}].make() if {name} is None else {name}"
        else:
            parameters.append(f"{name}=_defaults[{name!r}]")
            value = name
        body.append(f"    _set(self, {name!r}, {value})" if cls._record_frozen else f"    self.{name} = {value}")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, namespace)  # noqa: S102 - our own generated code, as dataclasses does
    return namespace["__init__"]


def _repr(self) -> str:
    values = ", ".join(f"{name}={getattr(self, name, None)!r}" for name in type(self)._record_fields)
    return f"{type(self).__name__}({values})"


def _eq(self, other):
    if type(other) is not type(self):
        return NotImplemented
    return all(getattr(self, n) == getattr(other, n) for n in type(self)._record_fields)


def _hash(self) -> int:
    return hash(tuple(getattr(self, name) for name in type(self)._record_fields))


def _refuse(self, name, value=None):
    raise AttributeError(f"{type(self).__name__} is frozen: cannot change {name!r}")
