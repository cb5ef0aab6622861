"""The process that runs one submission's answers: ``python -I -S runner.py LIMITS < job.json``.

It is the only code of this package that runs next to a student's code, inside the sandbox, so it
imports nothing but the standard library and NumPy (the sandbox holds nothing else) and is run as
a plain script. ``grade`` sends the job (the given helper cells, the answer cells' sources and the
case inputs, never a reference value) as JSON on stdin and reads one JSON line per event back.

For every exercise the runner forks a child that: sets the memory, CPU, process and file limits,
drops to an unprivileged uid (when it runs as root), closes the result channel, executes the given
cells and the answer cell in a fresh namespace, refuses any import of ``regutils``, calls the
functions on the cases and writes the returned values (and the inputs after the call) to a pipe.
The parent (which the child cannot signal or trace) enforces the exercise's wall-clock limit,
kills whatever the child left behind, and forwards the child's lines tagged with the exercise it
knows is running. Values travel as tagged JSON (arrays as base64 bytes with their dtype), never
as pickles.
"""
import base64
import builtins
import json
import os
import resource
import select
import signal
import sys
import time

import numpy as np
import numpy.random  # noqa: F401 - imported before the children drop privileges (they may not
import numpy.linalg  # noqa: F401   be able to read the Python installation outside a sandbox)
import numpy.fft  # noqa: F401

MAX_DEPTH = 12
MAX_BYTES = 32 * 2**20         # bytes of results the parent accepts from one exercise
MAX_STR = 10_000


# -- values <-> JSON (the grader imports these too) -----------------------------------------------

class Rng:
    """Marker for an input: a fresh ``np.random.default_rng(seed)`` built where the call happens."""

    def __init__(self, seed):
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"Rng seed must be an int >= 0, got {seed!r}")
        self.seed = seed

    def __repr__(self):
        return f"Rng({self.seed})"


def encode(x, depth=0):
    """``x`` as JSON-able data: numbers, strings, lists; tuples, dicts, arrays, scalars tagged."""
    if depth > MAX_DEPTH:
        return {"$unsupported": "nesting too deep"}
    if x is None or isinstance(x, (bool, str)):
        return x if not isinstance(x, str) else x[:MAX_STR]
    if isinstance(x, int):
        return x if abs(x) < 2**63 else {"$unsupported": "int too large"}
    if isinstance(x, float):
        return x if np.isfinite(x) else {"$float": repr(x)}
    if isinstance(x, Rng):
        return {"$rng": x.seed}
    if isinstance(x, (np.ndarray, np.generic)):
        a = np.asarray(x)
        if a.dtype.kind not in "biuf" or a.dtype.hasobject:
            return {"$unsupported": f"array of dtype {a.dtype}"}
        tag = "$array" if isinstance(x, np.ndarray) else "$scalar"
        return {tag: {"dtype": a.dtype.str, "shape": list(a.shape),
                      "b64": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")}}
    if type(x) in (list, tuple):
        items = [encode(v, depth + 1) for v in x]
        return items if type(x) is list else {"$tuple": items}
    if type(x) is dict:
        if not all(type(k) is str for k in x):
            return {"$unsupported": "dict with keys that are not strings"}
        return {"$dict": [[k, encode(v, depth + 1)] for k, v in x.items()]}
    return {"$unsupported": type(x).__name__}


class Unsupported:
    """A returned value the runner could not send (e.g. a generator object): equal to nothing."""

    def __init__(self, what):
        self.what = str(what)

    def __repr__(self):
        return f"<{self.what}>"


def decode(x, depth=0):
    """The inverse of ``encode``; ``Rng`` markers become generators only if ``rngs`` (see
    ``build_inputs``). Raises ValueError on anything malformed (the data may come from a child)."""
    if depth > MAX_DEPTH:
        raise ValueError("nesting too deep")
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if type(x) is list:
        return [decode(v, depth + 1) for v in x]
    if type(x) is not dict or len(x) != 1:
        raise ValueError(f"malformed value {str(x)[:80]}")
    (tag, v), = x.items()
    if tag == "$tuple":
        return tuple(decode(i, depth + 1) for i in v)
    if tag == "$dict":
        return {str(k): decode(i, depth + 1) for k, i in v}
    if tag == "$float":
        return float(v)
    if tag == "$rng":
        return Rng(int(v))
    if tag == "$unsupported":
        return Unsupported(v)
    if tag in ("$array", "$scalar"):
        dtype = np.dtype(v["dtype"])
        if dtype.kind not in "biuf" or dtype.hasobject:
            raise ValueError(f"dtype {dtype} not allowed")
        shape = tuple(int(n) for n in v["shape"])
        data = base64.b64decode(v["b64"], validate=True)
        if len(data) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise ValueError("array data does not match its shape")
        a = np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        return a if tag == "$array" else a[()]
    raise ValueError(f"unknown tag {tag!r}")


def build_inputs(x):
    """Decoded inputs with every ``Rng`` marker turned into a fresh generator."""
    if isinstance(x, Rng):
        return np.random.default_rng(x.seed)
    if type(x) is list:
        return [build_inputs(v) for v in x]
    if type(x) is tuple:
        return tuple(build_inputs(v) for v in x)
    if type(x) is dict:
        return {k: build_inputs(v) for k, v in x.items()}
    return x


# -- the child: one exercise ----------------------------------------------------------------------

class _NoRegutils:
    """A meta-path finder that refuses ``regutils`` (and remembers that it was asked)."""

    asked = False

    def find_spec(self, name, path=None, target=None):
        if name == "regutils" or name.startswith("regutils."):
            _NoRegutils.asked = True
            raise ImportError("answers may not use regutils (write plain NumPy)")
        return None


def _error(e):
    try:
        return f"{type(e).__name__}: {str(e)[:500]}"
    except BaseException:  # noqa: BLE001 - an exception whose __str__ raises
        return f"{type(e).__name__} (unprintable)"


def _set_limits(limits):
    mib = 2**20
    for name, value in [("RLIMIT_AS", limits["memory_mib"] * mib),
                        ("RLIMIT_CPU", limits["cpu_s"]),
                        ("RLIMIT_NPROC", limits["nproc"]),
                        ("RLIMIT_FSIZE", limits["file_mib"] * mib),
                        ("RLIMIT_NOFILE", 64),
                        ("RLIMIT_CORE", 0)]:
        resource.setrlimit(getattr(resource, name), (value, value))


def _child(exercise, given, limits, w):
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    _set_limits(limits)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too big file: an OSError, not a kill
    uid = limits.get("uid")
    if os.getuid() == 0 and uid:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    sys.meta_path.insert(0, _NoRegutils())
    for name in [m for m in sys.modules if m == "regutils" or m.startswith("regutils.")]:
        del sys.modules[name]

    def write(rec):
        data = (json.dumps(rec) + "\n").encode()
        while data:
            data = data[os.write(w, data):]

    ns = {"__name__": "__answer__", "__builtins__": builtins, "np": np}
    for src in given:
        exec(compile(src, "<given>", "exec"), ns)
    try:
        exec(compile(exercise["source"], "<answer cell>", "exec"), ns)
    except BaseException as e:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: all the answer's
        write({"kind": "load_error", "error": _error(e), "refused": _NoRegutils.asked})
        return
    for i, case in enumerate(exercise["cases"]):
        fn = ns.get(case["function"])
        if not callable(fn):
            write({"kind": "case", "index": i, "refused": _NoRegutils.asked,
                   "error": f"NameError: the answer defines no function {case['function']!r}"})
            continue
        args = build_inputs(decode(case["args"]))
        kwargs = build_inputs(decode(case["kwargs"]))
        start = time.process_time()
        try:
            value = fn(*args, **kwargs)
            rec = {"kind": "case", "index": i, "value": encode(value)}
        except BaseException as e:  # noqa: BLE001
            rec = {"kind": "case", "index": i, "error": _error(e)}
        rec["cpu_s"] = round(time.process_time() - start, 4)
        try:
            rec["inputs"] = encode([list(args), kwargs])
        except BaseException as e:  # noqa: BLE001 - inputs the answer turned into odd objects
            rec["inputs"] = {"$unsupported": _error(e)}
        rec["refused"] = _NoRegutils.asked
        write(rec)


# -- the parent -----------------------------------------------------------------------------------

def _kill_leftovers(pid, uid):
    """SIGKILL the child's session and (as root) every process of the sandbox uid."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if os.getuid() != 0 or not uid:
        return
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


def _reap():
    """Collect the zombies of killed grandchildren (the runner is their subreaper)."""
    stop = time.monotonic() + 2
    while time.monotonic() < stop:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def _run_exercise(exercise, given, limits, out):
    r, w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.close(out)
            _child(exercise, given, limits, w)
        except BaseException as e:  # noqa: BLE001 - reported as the exercise's error
            try:
                os.write(w, (json.dumps({"kind": "load_error", "error": "the runner failed: "
                                         + _error(e)}) + "\n").encode())
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(0)
    os.close(w)
    deadline = start + limits["timeout_s"]
    buf, lines, timed_out, too_big, status, total = b"", [], False, False, None, 0
    while True:
        if status is None:
            done_pid, st = os.waitpid(pid, os.WNOHANG)
            status = st if done_pid else None
        left = deadline - time.monotonic()
        if left <= 0 and status is None:
            timed_out = True
            break
        # once the child is gone, read what it wrote (its leftovers may hold the pipe open)
        ready, _, _ = select.select([r], [], [], 0 if status is not None else min(left, 0.05))
        if not ready:
            if status is not None:
                break
            continue
        chunk = os.read(r, 1 << 20)
        if not chunk:
            break
        buf += chunk
        total += len(chunk)
        *done, buf = buf.split(b"\n")
        lines += done
        if total > MAX_BYTES:
            too_big = True
            break
    _kill_leftovers(pid, limits.get("uid"))
    if status is None:
        _, status = os.waitpid(pid, 0)
    _reap()
    os.close(r)
    n_cases = len(exercise["cases"])
    for line in lines:
        try:
            rec = json.loads(line)
            if rec.get("kind") == "case" and not (0 <= int(rec["index"]) < n_cases):
                continue
            if rec.get("kind") not in ("case", "load_error"):
                continue
        except (ValueError, TypeError, KeyError):
            continue
        rec["exercise"] = exercise["id"]
        _send(out, rec)
    end = {"kind": "end", "exercise": exercise["id"], "timeout": timed_out, "too_big": too_big,
           "seconds": round(time.monotonic() - start, 3)}
    if os.WIFSIGNALED(status) and not timed_out:
        end["signal"] = signal.Signals(os.WTERMSIG(status)).name
    _send(out, end)


def _send(out, rec):
    data = (json.dumps(rec) + "\n").encode()
    while data:
        data = data[os.write(out, data):]


def main():
    limits = json.loads(sys.argv[1])
    job = json.loads(sys.stdin.buffer.read())
    try:  # not dumpable: a child with the same uid cannot ptrace the parent
        import ctypes
        libc = ctypes.CDLL(None)
        libc.prctl(4, 0, 0, 0, 0)   # PR_SET_DUMPABLE = 4
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER = 36: orphans come back to be reaped
    except (OSError, AttributeError):
        pass
    out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    if os.path.isdir("/tmp") and os.getuid() == 0 and limits.get("uid"):
        os.chmod("/tmp", 0o1777)
    for exercise in job["exercises"]:
        _run_exercise(exercise, job.get("given", []), limits, out)
    _send(out, {"kind": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
