"""Long work of a panel in short steps on the kernel's event loop, so that the comm stays free
between steps: a slider moved while the network trains is answered after the step in progress,
and the run it makes stale is dropped.

A job is an iterator: each ``next()`` does one step (a few milliseconds of training, or one live
tick) and yields None (go on at once) or a number of seconds to wait before the next step.
In a Jupyter kernel the steps run as callbacks of its asyncio loop, in the kernel's main thread:
no thread competes for the GIL, and NumPy's BLAS keeps its one-thread setting (OpenBLAS ignores
it in other threads, where its worker threads then spin on the second core).
Outside a kernel (a script, the tests) a job runs in a thread instead: a loop that is merely set
as running there (Playwright's, say) may never run the steps.

Also what keeps the kernel's loop free of long pauses: ``every`` (live ticks due by the clock)
and ``freeze_what_lives`` (no long garbage collections while the sliders move).
"""
import asyncio
import gc
import sys
import threading
import time

ANY_RUNNING_LOOP = False
"""True: use any running event loop, not only a Jupyter kernel's (the tests run one)."""


def kernel_loop():
    """The running event loop if it is a Jupyter kernel's (which runs the steps), else None."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    app = sys.modules.get("ipykernel.kernelapp")
    if ANY_RUNNING_LOOP or (app is not None and app.IPKernelApp.initialized()):
        return loop
    return None


def freeze_what_lives():
    """Collect the garbage, then hide every object alive now from Python's cyclic garbage
    collector (``gc.freeze``), whose full collections walk every object it sees: a panel calls
    this before it builds itself. In a kernel with the imports and four panels, one full
    collection took 111 ms (a key press that met it waited that long); the modules and the
    panels built before rarely die. Frozen objects are still freed by reference counting; only
    cycles among them stay (a panel closed after a later one was built) until ``gc.unfreeze()``."""
    gc.collect()
    gc.freeze()


def every(interval, tick):
    """Steps for a ``Job`` that call ``tick()`` every ``interval`` seconds until it returns
    False. Each tick is due ``interval`` after the last one was due, not after it ended: the time
    the event loop was late (other messages, a busy CPU) is made up, up to one interval of it.
    (On the 2-core machine, waiting ``interval`` minus the tick's time instead gave 25 ticks/s
    for 33 asked.) Ticks that take longer than ``interval`` run back to back."""
    due = time.perf_counter()
    while tick():
        now = time.perf_counter()
        due = max(due + interval, now - interval)
        yield max(0.002, due - now)


class Job:
    """One iterator of steps, started on the event loop (or in a thread without one)."""

    def __init__(self, steps, on_error):
        self.steps = steps
        self.on_error = on_error  # called with the exception a step raised
        self.done = threading.Event()
        self._lock = threading.RLock()  # one step at a time (the loop, a thread or finish())
        self.loop = kernel_loop()
        if self.loop is not None:
            self.loop.call_soon(self._step_on_loop)
        else:
            self.thread = threading.Thread(target=self._run_in_thread, name="regutils-panel",
                                           daemon=True)
            self.thread.start()

    def _step(self):
        """One step; the delay before the next one, or None when the job is over."""
        with self._lock:
            if self.done.is_set():
                return None
            try:
                delay = next(self.steps)
            except StopIteration:
                self.done.set()
                return None
            except Exception as exc:  # noqa: BLE001 - a panel shows it in its status line
                self.done.set()
                self.on_error(exc)
                return None
            if self.done.is_set():  # cancelled by the step itself
                return None
            return 0.0 if delay is None else delay

    def _step_on_loop(self):
        delay = self._step()
        if delay is not None:
            self.loop.call_later(delay, self._step_on_loop)

    def _run_in_thread(self):
        while True:
            delay = self._step()
            if delay is None:
                return
            if delay:
                self.done.wait(delay)

    def cancel(self):
        """Stop after the step in progress (the rest of the iterator never runs)."""
        with self._lock:
            self.done.set()
            try:
                self.steps.close()
            except ValueError:  # cancelled from within its own step: it ends after the step
                pass

    def finish(self, timeout=None):
        """Run the remaining steps now (on the loop) or wait for the thread to end them. A job
        that never ends (live training) must be cancelled instead."""
        if self.loop is None:
            self.thread.join(timeout)
            return
        while self._step() is not None:
            pass
