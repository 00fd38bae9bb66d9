"""looplab's exceptions. The C++ side raises these (python/src/errors.cpp looks them up here), so
they are plain Python classes that type checkers and stubs see as they are."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input (a config field, an option, a file, a spec key): the message reads
    'field: problem', as the CLI's one line does, and ``field`` names the field."""

    __module__ = "looplab"
    field: str

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class StoreError(RuntimeError):
    """A results store operation failed after the store was opened; ``fault`` is one of
    disk_full, busy, corrupt, read_only, io."""

    __module__ = "looplab"
    fault: str

    def __init__(self, message: str, fault: str = "io") -> None:
        super().__init__(message)
        self.fault = fault


def input_error(field: str, problem: str) -> InputError:
    return InputError(f"{field}: {problem}", field)
