"""Run ``runner.py`` on one job: inside bubblewrap (``bwrap``), or plainly when asked to.

The sandbox sees, read-only, only what an answer needs: the system libraries (/usr), the Python
installation (its own site-packages hidden), NumPy (bound alone into /sandbox/site) and the runner
script. Not the project (so no ``regutils``, no ``instructor/``, no references), not the
submissions, not the grading output. It has its own /tmp (a small tmpfs), no network, its own pid
namespace (the whole process tree dies with it), a new session, and dies with the grader.
The runner sets the memory, CPU-time and process limits and, run as root, drops every exercise to
an unprivileged uid of its own (RLIMIT_NPROC does not bind root).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RUNNER = Path(__file__).with_name("runner.py")
BWRAP_HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"


@dataclass
class Limits:
    """Per exercise: wall clock and CPU seconds, address space and file size in MiB, processes."""

    timeout_s: float = 30.0
    memory_mib: int = 1024
    nproc: int = 16
    file_mib: int = 16
    tmp_mib: int = 32
    uid: int = 0          # 0: keep the caller's uid (the runner drops privileges only if root)

    def __post_init__(self):
        for name in ("timeout_s", "memory_mib", "nproc", "file_mib", "tmp_mib"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not isinstance(self.uid, int) or self.uid < 0:
            raise ValueError(f"uid must be an int >= 0, got {self.uid!r}")

    def for_runner(self):
        return {"timeout_s": float(self.timeout_s), "cpu_s": int(self.timeout_s) + 1,
                "memory_mib": int(self.memory_mib), "nproc": int(self.nproc),
                "file_mib": int(self.file_mib), "uid": int(self.uid)}


def find_bwrap():
    """The path of bwrap, or None."""
    return shutil.which("bwrap")


def _numpy_dirs():
    pkg = Path(np.__file__).resolve().parent
    dirs = [pkg]
    libs = pkg.with_name("numpy.libs")  # the wheels' bundled OpenBLAS
    if libs.is_dir():
        dirs.append(libs)
    return dirs


def _python():
    """(installation prefix, interpreter path relative to it, stdlib's site-packages)."""
    prefix = Path(sys.base_prefix).resolve()
    exe = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    try:
        rel = exe.relative_to(prefix)
    except ValueError:
        raise RuntimeError(f"the Python interpreter {exe} is not inside {prefix}; cannot build "
                           "the sandbox") from None
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return prefix, rel, prefix / "lib" / version / "site-packages"


def bwrap_command(bwrap, limits):
    """The command line that runs the runner inside bubblewrap."""
    prefix, exe, site = _python()
    cmd = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
           "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    # the folders bwrap creates are root's 0700 by default: the answer's uid must traverse them
    cmd += ["--perms", "0755", "--dir", "/sandbox", "--perms", "0755", "--dir", "/sandbox/site",
            "--ro-bind", str(prefix), "/sandbox/python"]
    if site.is_dir():  # the base installation's own packages are not the answer's business
        cmd += ["--tmpfs", "/sandbox/python/" + str(site.relative_to(prefix))]
    for d in _numpy_dirs():
        cmd += ["--ro-bind", str(d), f"/sandbox/site/{d.name}"]
    cmd += ["--ro-bind", str(RUNNER), "/sandbox/runner.py",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.tmp_mib * 2**20), "--tmpfs", "/tmp",
            "--chdir", "/tmp",
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp",
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
            "--setenv", "PYTHONHASHSEED", "0",
            f"/sandbox/python/{exe}", "-I", "-S", "-c",
            _boot("/sandbox/site", "/sandbox/runner.py"), json.dumps(limits.for_runner())]
    return cmd


# -I -S: no site-packages, no PYTHON* variables, no script folder on sys.path; only NumPy is added.
def _boot(site, runner):
    return (f"import sys; sys.path.insert(0, {site!r}); sys.argv[0] = {runner!r}; "
            f"import runpy; runpy.run_path({runner!r}, run_name='__main__')")


def plain_command(limits):
    """The runner without a sandbox (``--no-sandbox``, and the reference solutions)."""
    site = str(_numpy_dirs()[0].parent)
    return [sys.executable, "-I", "-S", "-c", _boot(site, str(RUNNER)),
            json.dumps(limits.for_runner())]


@dataclass
class RunResult:
    events: list            # the runner's JSON lines, parsed
    returncode: int
    stderr: str
    timed_out: bool         # the whole run hit its wall clock and was killed


def run(job, limits, sandbox=True, bwrap=None):
    """Run ``job`` (a dict: given, exercises) in the runner; returns a RunResult. The wall clock
    for the whole run is the per-exercise limit times the exercises, plus 20 s."""
    if sandbox:
        bwrap = bwrap or find_bwrap()
        if bwrap is None:
            raise RuntimeError(f"bwrap not found: {BWRAP_HINT}")
        cmd = bwrap_command(bwrap, limits)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    else:
        cmd = plain_command(limits)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "HOME": "/tmp"}
    wall = limits.timeout_s * max(1, len(job["exercises"])) + 20
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env=env,
                            cwd="/tmp")
    timed_out = False
    try:
        out, err = proc.communicate(json.dumps(job).encode(), timeout=wall)
    except subprocess.TimeoutExpired:
        timed_out = True
        _killpg(proc)
        out, err = proc.communicate()
    finally:
        _killpg(proc)
    events = []
    for line in out.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass
    return RunResult(events, proc.returncode, err.decode("utf-8", "replace")[-3000:], timed_out)


def preflight(limits, bwrap=None):
    """Run a trivial answer in the sandbox; RuntimeError saying why if the sandbox does not work
    here (e.g. no permission to create namespaces), so that nobody is graded 0 for it."""
    job = {"given": [], "exercises": [{"id": "preflight", "source": "def f(x):\n    return x\n",
                                       "cases": [{"function": "f", "args": [1],
                                                  "kwargs": {"$dict": []}}]}]}
    result = run(job, limits, sandbox=True, bwrap=bwrap)
    if not any(e.get("kind") == "case" and e.get("value") == 1 for e in result.events):
        raise RuntimeError(f"the bubblewrap sandbox does not work on this machine (exit code "
                           f"{result.returncode}): {result.stderr.strip()[-500:]}")


def _killpg(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
