"""Run untrusted work in a forked child: no network, a deadline, a memory cap, crashes contained.

The child is forked from the caller, so it starts with whatever the caller had loaded (the store, the
SPARQL parser) at the cost of a fork. Before running anything it:

- asks to be killed when the parent dies, and leaves no core file;
- sends its stderr to /dev/null (the engine's allocator prints a backtrace before it aborts), and closes
  every socket it inherited;
- installs a seccomp filter, written here as a dozen BPF instructions through ctypes: `socket()` of any
  family but AF_UNIX and every `connect()` fail with EACCES, `io_uring_setup()` with ENOSYS (it could
  open sockets behind the filter's back), x32 system calls are refused and a foreign architecture is
  killed. x86_64 and aarch64 only. If the filter cannot be installed the work does not run at all
  (fail closed) unless the caller said `network_filter=False`;
- caps its address space at what it had at the fork plus `headroom` bytes (RLIMIT_AS), and its CPU time
  just above the deadline (RLIMIT_CPU, a backstop for the parent's timer).

It then runs `work(send)`, where `send(obj)` writes one JSON line to a pipe. The parent reads the lines as
they come, hands each to `on_line`, and stops the child with SIGKILL at the deadline or once more than
`max_bytes` arrived. How the child ended becomes a `SandboxError` with a kind:

| ending | kind |
|---|---|
| killed at the deadline, SIGXCPU | deadline |
| SIGABRT (a failed allocation in native code aborts), MemoryError | memory |
| SIGSEGV, SIGBUS (a stack overflow in native code), any other signal | crash |
| more than max_bytes of output | output |
| the filter could not be installed | filter |

An error the work raised itself (a `KbError`) comes back as the same class with the same message.
Linux gives every piece of this; elsewhere (no seccomp, no /proc) the caller must opt out of the filter.
"""

from __future__ import annotations

import json
import os
import platform
import select
import signal
import struct
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any

from .errors import InputError, KbError, UsageError

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_KILL_PROCESS = 0x80000000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
AF_UNIX = 1
EACCES, ENOSYS = 13, 38
# machine: (AUDIT_ARCH_*, socket, connect, io_uring_setup); from the kernel's unistd tables
ARCHES = {
    "x86_64": (0xC000003E, 41, 42, 425),
    "aarch64": (0xC00000B7, 198, 203, 425),
}
X32_SYSCALL_BIT = 0x40000000

ERRORS = {"KbError": KbError, "InputError": InputError, "UsageError": UsageError}


class SandboxError(KbError):
    """The child was stopped or died; `kind` says how (deadline, memory, crash, output, filter)."""

    def __init__(self, kind: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.kind = kind


def filter_support() -> str | None:
    """None when the network filter can be installed here, else why not."""
    if not sys.platform.startswith("linux"):
        return f"seccomp exists on Linux only, not on {sys.platform}"
    if platform.machine() not in ARCHES:
        return f"the filter is written for x86_64 and aarch64, not {platform.machine()}"
    return None


def _program() -> bytes:
    """socket(domain != AF_UNIX) -> EACCES, connect() -> EACCES, io_uring_setup() -> ENOSYS, else allow.
    seccomp_data: nr at offset 0, arch at 4, args[i] at 16 + 8*i (low word first on little-endian)."""
    machine = platform.machine()
    arch, nr_socket, nr_connect, nr_uring = ARCHES[machine]

    def stmt(code: int, k: int) -> bytes:
        return struct.pack("HBBI", code, 0, 0, k & 0xFFFFFFFF)

    def jump(code: int, k: int, true: int, false: int) -> bytes:
        return struct.pack("HBBI", code, true, false, k & 0xFFFFFFFF)

    prog = [
        stmt(BPF_LD_W_ABS, 4),  # A = arch
        jump(BPF_JEQ_K, arch, 1, 0),
        stmt(BPF_RET_K, SECCOMP_RET_KILL_PROCESS),  # a foreign architecture's numbers mean other calls
        stmt(BPF_LD_W_ABS, 0),  # A = syscall number
    ]
    if machine == "x86_64":  # the x32 ABI reaches the same calls under other numbers
        prog += [jump(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1), stmt(BPF_RET_K, SECCOMP_RET_ERRNO | ENOSYS)]
    prog += [
        jump(BPF_JEQ_K, nr_connect, 0, 1),
        stmt(BPF_RET_K, SECCOMP_RET_ERRNO | EACCES),
        jump(BPF_JEQ_K, nr_uring, 0, 1),
        stmt(BPF_RET_K, SECCOMP_RET_ERRNO | ENOSYS),
        jump(BPF_JEQ_K, nr_socket, 0, 3),
        stmt(BPF_LD_W_ABS, 16),  # A = low word of args[0], the address family
        jump(BPF_JEQ_K, AF_UNIX, 1, 0),
        stmt(BPF_RET_K, SECCOMP_RET_ERRNO | EACCES),
        stmt(BPF_RET_K, SECCOMP_RET_ALLOW),
    ]
    return b"".join(prog)


def deny_network() -> None:
    """Install the filter in this process (irreversible). Raises OSError when the kernel refuses it."""
    import ctypes

    reason = filter_support()
    if reason:
        raise OSError(ENOSYS, reason)
    libc = ctypes.CDLL(None, use_errno=True)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    code = _program()
    buffer = ctypes.create_string_buffer(code)
    fprog = SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def address_space() -> int | None:
    """This process's virtual size in bytes (Linux), the base that RLIMIT_AS counts from."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _close_sockets() -> None:
    """Close every socket the child inherited (the caller's connections, a server's listening socket): the
    filter stops new ones, and these are no business of the query."""
    import stat

    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _child(work: Callable[[Callable[[Any], None]], None], wfd: int, deadline: float, headroom: int | None,
           network_filter: bool) -> None:
    """Runs in the forked child and never returns."""
    status = 0
    try:
        import ctypes
        import faulthandler
        import resource

        faulthandler.disable()  # a crash here is reported by the parent, not dumped on the user's terminal
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        out = os.fdopen(wfd, "wb", buffering=1 << 16)

        def send(obj: Any) -> None:
            out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")

        try:
            _close_sockets()
            if network_filter:
                try:
                    deny_network()
                except OSError as exc:
                    send({"error": "filter", "message": exc.strerror or str(exc)})
                    return
            if headroom is not None:
                base = address_space()
                if base is not None:
                    cap = base + headroom
                    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            cpu = int(deadline) + 2
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            work(send)
            send({"done": True})
        except MemoryError:
            send({"error": "memory", "message": "MemoryError"})
        except KbError as exc:
            name = type(exc).__name__ if type(exc).__name__ in ERRORS else next(
                (k.__name__ for k in type(exc).__mro__ if k.__name__ in ERRORS), "KbError")
            send({"error": "raised", "class": name, "message": exc.message, "hint": exc.hint})
        except BaseException:  # noqa: BLE001 - a bug: its traceback goes back to the parent
            send({"error": "bug", "message": traceback.format_exc()[-4000:]})
        finally:
            out.flush()
    except BaseException:  # noqa: BLE001 - the pipe is gone (the parent stopped reading): just end
        status = 70
    finally:
        os._exit(status)


def run(work: Callable[[Callable[[Any], None]], None], on_line: Callable[[Any], None], *, deadline: float,
        headroom: int | None, network_filter: bool = True, max_bytes: int = 256 << 20) -> None:
    """Fork; the child applies the limits and runs `work(send)`; the parent feeds each line it sends to
    `on_line` (which may raise to stop the child). Raises SandboxError, or the work's own KbError."""
    if network_filter and filter_support():
        raise SandboxError("filter", f"the network filter for ad hoc queries cannot be installed here: "
                           f"{filter_support()}", hint=FILTER_HINT)
    if not hasattr(os, "fork"):
        raise SandboxError("platform", "ad hoc queries need os.fork(), which this platform lacks")
    rfd, wfd = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns about forking a threaded process: the child
        warnings.simplefilter("ignore", DeprecationWarning)  # runs no other thread's code, and has a deadline
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its outcomes are tested through the parent)
        os.close(rfd)
        _child(work, wfd, deadline, headroom, network_filter)
    os.close(wfd)
    ending: dict[str, Any] = {}
    stopped = None
    pending = bytearray()
    size = 0
    end = time.monotonic() + deadline
    poller = select.poll()  # not select(): it fails on descriptors above 1023
    poller.register(rfd, select.POLLIN | select.POLLHUP | select.POLLERR)
    try:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                stopped = "deadline"
                break
            if not poller.poll(max(1, int(left * 1000) + 1)):
                continue
            chunk = os.read(rfd, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                stopped = "output"
                break
            pending += chunk
            start = 0
            while (newline := pending.find(b"\n", start)) >= 0:
                message = json.loads(pending[start:newline])
                start = newline + 1
                if isinstance(message, dict) and ("done" in message or "error" in message):
                    ending = message
                else:
                    on_line(message)
            del pending[:start]
    finally:
        os.close(rfd)
        if stopped or not ending:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    _outcome(stopped, ending, status, deadline, headroom, max_bytes)


FILTER_HINT = ("set CLAIMKB_NETWORK_FILTER=off to run ad hoc queries without it (they are still checked, "
               "and limited in time and memory)")


def _outcome(stopped: str | None, ending: dict[str, Any], status: int, deadline: float, headroom: int | None,
             max_bytes: int) -> None:
    memory_hint = "narrow the query, or raise CLAIMKB_QUERY_MEMORY"
    cap = f" ({_size(headroom)} above what claimkb had loaded)" if headroom else ""
    if stopped == "deadline":
        raise SandboxError("deadline", f"the query ran longer than {deadline:g} s and was stopped",
                           hint="raise --timeout, or narrow the query (a LIMIT, more specific patterns)")
    if stopped == "output":
        raise SandboxError("output", f"the answer is larger than {_size(max_bytes)} and was stopped",
                           hint="add a LIMIT, or select fewer columns")
    if ending.get("error") == "filter":
        raise SandboxError("filter", "the network filter for ad hoc queries could not be installed: "
                           f"{ending.get('message')}", hint=FILTER_HINT)
    if ending.get("error") == "memory":
        raise SandboxError("memory", f"the query needed more memory than the cap{cap} and was stopped",
                           hint=memory_hint)
    if ending.get("error") == "raised":
        kind = ERRORS.get(ending.get("class", ""), KbError)
        raise kind(ending.get("message", ""), hint=ending.get("hint"))
    if ending.get("error") == "bug":
        raise RuntimeError("the ad hoc query process failed:\n" + str(ending.get("message")))
    if ending.get("done") and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGABRT:
            raise SandboxError("memory", f"the query needed more memory than the cap{cap} and was stopped "
                               "(the engine aborted)", hint=memory_hint)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            raise SandboxError("deadline", "the query used more CPU time than the deadline allows and was stopped",
                               hint="raise --timeout, or narrow the query")
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        raise SandboxError("crash", f"the query crashed the engine ({name}; a deeply nested query can overflow "
                           "its stack) and was stopped; claimkb itself is unharmed", hint="simplify the query")
    raise SandboxError("crash", f"the query process ended without an answer (exit status "
                       f"{os.WEXITSTATUS(status) if os.WIFEXITED(status) else status})", hint="simplify the query")


def _size(n: int | None) -> str:
    if n is None:
        return "no cap"
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n:,} bytes"


def parse_size(text: str) -> int:
    """`1G`, `512M`, `300000K` or a number of bytes."""
    value = text.strip().upper().removesuffix("IB").removesuffix("B")
    factor = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}.get(value[-1:], 1)
    digits = value[:-1] if factor != 1 else value
    if not digits.isdigit() or not 0 < int(digits) * factor < 1 << 50:
        raise ValueError(f"{text!r} is not a size like 1G, 512M or 300000000")
    return int(digits) * factor
