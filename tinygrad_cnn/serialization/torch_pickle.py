"""A weights-only unpickler: reads the pickle inside a PyTorch checkpoint without running its code.

A pickle is a small stack-machine program. Most of its instructions only build data (numbers,
strings, tuples, lists, dicts), but two can run code: GLOBAL names any importable object, and
REDUCE / NEWOBJ / BUILD call what GLOBAL produced. `pickle.load` would import and call whatever a
file names (`os.system` included). This interpreter executes the data instructions itself and
resolves a GLOBAL only through `allowed` - a table from "module.name" to a harmless function of
our own - so a name outside the table is refused when it is read, before any of it runs. The table
holds what `torch.load(weights_only=True)` admits for tensors and containers: tensor rebuild
functions, storage classes, dtypes, torch.Size, OrderedDict and a few builtins.

Instructions of pickle protocols 2-5 that PyTorch writes are understood; the text instructions of
protocol 0/1 (INST, OBJ, PUT, ...) are refused by name.
"""
from __future__ import annotations

import pickle
import struct
from collections import Counter, OrderedDict
from typing import Callable


class RefusedPickleError(pickle.UnpicklingError, ValueError):
    """A pickle asked for something weights-only loading never does (e.g. a global like
    os.system). Both a pickle.UnpicklingError (as torch.load raises) and a ValueError."""


_MARK = object()  # stands for a MARK on the stack


class WeightsOnlyUnpickler:
    """Run one pickle program.

    Args:
        data: the pickle bytes.
        allowed: "module.name" -> the object GLOBAL pushes for it (our own functions and types).
        persistent_load: called with the BINPERSID id (PyTorch's storage references).
        build: called with (object, state) for BUILD; it decides which objects may take state
            (torch allows OrderedDict and Parameter only) and raises for the others.
        name: the file, for error messages.
    """

    def __init__(self, data: bytes, allowed: dict, persistent_load: Callable, build: Callable,
                 name: str):
        self.data, self.pos, self.name = data, 0, name
        self.allowed, self.persistent_load, self.build = allowed, persistent_load, build
        self.stack: list = []
        self.memo: dict = {}

    # -- reading operands ---------------------------------------------------------------------
    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise pickle.UnpicklingError(f"{self.name}: pickle data was truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def _unpack(self, fmt: str):
        return struct.unpack(fmt, self._take(struct.calcsize(fmt)))[0]

    def _line(self) -> str:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise pickle.UnpicklingError(f"{self.name}: pickle data was truncated")
        return self._take(end - self.pos + 1)[:-1].decode("utf-8")

    def _pop_mark(self) -> list:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i] is _MARK:
                items = self.stack[i + 1:]
                del self.stack[i:]
                return items
        raise pickle.UnpicklingError(f"{self.name}: pickle has no MARK to pop to")

    def _global(self, module: str, name: str):
        key = f"{module}.{name}"
        if key not in self.allowed:
            raise RefusedPickleError(
                f"{self.name}: refused to load the global '{key}': weights-only loading admits "
                f"only tensors, storages, dtypes and plain containers (what torch.load("
                f"weights_only=True) admits); nothing in the file was run")
        return self.allowed[key]

    def _call(self, func, args):
        if not callable(func) or not isinstance(args, tuple):
            raise RefusedPickleError(f"{self.name}: REDUCE on {func!r} with {type(args).__name__} "
                                     f"arguments is not allowed")
        try:
            return func(*args)
        except (TypeError, ValueError, OverflowError) as err:
            raise ValueError(f"{self.name}: invalid data in the pickle ({err})") from err

    # -- the interpreter loop -------------------------------------------------------------------
    def load(self):
        """The object the pickle builds; UnpicklingError / ValueError naming the file if the
        program is malformed or asks for anything outside the table."""
        try:
            return self._run()
        except (IndexError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as err:
            raise pickle.UnpicklingError(f"{self.name}: malformed pickle ({err!r})") from err

    def _run(self):
        stack, memo = self.stack, self.memo
        while True:
            op = self._take(1)
            if op == b"\x80":                                    # PROTO
                if self._take(1)[0] > 5:
                    raise pickle.UnpicklingError(f"{self.name}: unsupported pickle protocol")
            elif op == b"\x95":                                  # FRAME (a hint; skip its size)
                self._take(8)
            elif op == b".":                                     # STOP
                if len(stack) != 1:
                    raise pickle.UnpicklingError(f"{self.name}: malformed pickle stack at STOP")
                return stack.pop()
            elif op == b"c":                                     # GLOBAL module\nname\n
                module = self._line()
                stack.append(self._global(module, self._line()))
            elif op == b"\x93":                                  # STACK_GLOBAL
                name, module = stack.pop(), stack.pop()
                if not isinstance(module, str) or not isinstance(name, str):
                    raise pickle.UnpicklingError(f"{self.name}: STACK_GLOBAL needs two strings")
                stack.append(self._global(module, name))
            elif op == b"R":                                     # REDUCE: func(*args)
                args = stack.pop()
                stack.append(self._call(stack.pop(), args))
            elif op == b"\x81":                                  # NEWOBJ: cls.__new__ via cls()
                args = stack.pop()
                stack.append(self._call(stack.pop(), args))
            elif op == b"b":                                     # BUILD: give state to an object
                state = stack.pop()
                self.build(stack[-1], state)
            elif op == b"Q":                                     # BINPERSID
                stack.append(self.persistent_load(stack.pop()))
            elif op == b"(":
                stack.append(_MARK)
            elif op == b")":
                stack.append(())
            elif op == b"t":
                stack.append(tuple(self._pop_mark()))
            elif op in (b"\x85", b"\x86", b"\x87"):              # TUPLE1, TUPLE2, TUPLE3
                n = op[0] - 0x84
                items = tuple(stack[-n:]) if len(stack) >= n else None
                if items is None or any(item is _MARK for item in items):
                    raise pickle.UnpicklingError(f"{self.name}: pickle stack underflow")
                del stack[-n:]
                stack.append(items)
            elif op == b"]":
                stack.append([])
            elif op == b"}":
                stack.append({})
            elif op == b"\x8f":                                  # EMPTY_SET
                stack.append(set())
            elif op == b"a":                                     # APPEND
                value = stack.pop()
                _as(stack[-1], list, self.name).append(value)
            elif op == b"e":                                     # APPENDS
                items = self._pop_mark()
                _as(stack[-1], list, self.name).extend(items)
            elif op == b"s":                                     # SETITEM
                value, key = stack.pop(), stack.pop()
                _as(stack[-1], dict, self.name)[key] = value
            elif op == b"u":                                     # SETITEMS
                items = self._pop_mark()
                target = _as(stack[-1], dict, self.name)
                for i in range(0, len(items) - 1, 2):
                    target[items[i]] = items[i + 1]
            elif op == b"\x90":                                  # ADDITEMS
                items = self._pop_mark()
                _as(stack[-1], set, self.name).update(items)
            elif op == b"\x91":                                  # FROZENSET
                stack.append(frozenset(self._pop_mark()))
            elif op == b"N":
                stack.append(None)
            elif op == b"\x88":
                stack.append(True)
            elif op == b"\x89":
                stack.append(False)
            elif op == b"J":
                stack.append(self._unpack("<i"))
            elif op == b"K":
                stack.append(self._take(1)[0])
            elif op == b"M":
                stack.append(self._unpack("<H"))
            elif op in (b"\x8a", b"\x8b"):                       # LONG1, LONG4
                n = self._take(1)[0] if op == b"\x8a" else self._unpack("<i")
                stack.append(int.from_bytes(self._take(n), "little", signed=True))
            elif op == b"G":
                stack.append(self._unpack(">d"))
            elif op in (b"X", b"\x8c", b"\x8d"):                 # BINUNICODE, SHORT_, 8
                n = {b"X": "<I", b"\x8c": "<B", b"\x8d": "<Q"}[op]
                stack.append(self._take(self._unpack(n)).decode("utf-8", "surrogatepass"))
            elif op in (b"B", b"C", b"\x8e", b"\x96"):           # BINBYTES(8), SHORT_, BYTEARRAY8
                n = {b"B": "<I", b"C": "<B", b"\x8e": "<Q", b"\x96": "<Q"}[op]
                chunk = self._take(self._unpack(n))
                stack.append(bytearray(chunk) if op == b"\x96" else chunk)
            elif op in (b"q", b"r"):                             # BINPUT, LONG_BINPUT
                memo[self._take(1)[0] if op == b"q" else self._unpack("<I")] = stack[-1]
            elif op == b"\x94":                                  # MEMOIZE
                memo[len(memo)] = stack[-1]
            elif op in (b"h", b"j"):                             # BINGET, LONG_BINGET
                index = self._take(1)[0] if op == b"h" else self._unpack("<I")
                if index not in memo:
                    raise pickle.UnpicklingError(f"{self.name}: memo key {index} not found")
                stack.append(memo[index])
            elif op == b"0":                                     # POP
                stack.pop()
            elif op == b"1":                                     # POP_MARK
                self._pop_mark()
            elif op == b"2":                                     # DUP
                stack.append(stack[-1])
            else:
                raise RefusedPickleError(
                    f"{self.name}: refused pickle opcode {op!r} at byte {self.pos - 1} (not one "
                    f"that weights-only loading of a PyTorch checkpoint needs)")


_CONTAINERS = {list: (list,), dict: (dict, OrderedDict, Counter), set: (set,)}


def _as(value, kind: type, name: str):
    """`value` if it is a `kind` (the container an APPEND / SETITEM / ADDITEMS writes into)."""
    if type(value) not in _CONTAINERS[kind]:
        raise RefusedPickleError(f"{name}: pickle adds items to a {type(value).__name__}, "
                                 f"expected a {kind.__name__}")
    return value
