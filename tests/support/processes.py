"""A process stopped at a chosen point of a workspace write, and a wait for it without polling.

``pausing_writer`` makes a ``python -c`` script whose workspace writer, once a given layer is in
its temporary ``.writing-`` file (or its rows in the open transaction of a change written in
place), prints :data:`PAUSED` and sleeps; ``wait_for_line`` blocks
until the process says so. A test can then look at the half-written file, kill the writer, or
let it go on.
"""

from __future__ import annotations

import subprocess
import threading

#: What a paused writer prints on its own line (flushed) before it sleeps.
PAUSED = "township-atlas-test: paused mid-write"


def pausing_writer(
    body: str, *, after_layer: str, seconds: float = 600.0, in_place: bool = False
) -> str:
    """A ``python -c`` script running ``body`` with ``geo.workspace``'s layer writer wrapped.

    Parameters
    ----------
    body
        Python statements (``sys`` is imported), e.g. a call of the CLI's ``main``.
    after_layer
        The layer after which the writer pauses: once it is in the temporary file of a whole
        write, or (``in_place``) once its rows are in the open SQLite transaction.
    seconds
        How long it sleeps there (a test that kills it never sees the end).
    in_place
        Pause a change written in place (the usual way); else every change is written as a
        whole new file (what a file of an older layout gets).
    """
    pause = f"        print({PAUSED!r}, flush=True)\n        time.sleep({seconds!r})\n"
    if in_place:
        return (
            "import sys, time\n"
            "from township_atlas.geo import gpkg\n"
            "real = gpkg.write_rows\n"
            "def pausing(conn, spec, *args):\n"
            "    done = real(conn, spec, *args)\n"
            f"    if spec.name == {after_layer!r}:\n"
            f"{pause}"
            "    return done\n"
            "gpkg.write_rows = pausing\n"
            f"{body}"
        )
    return (
        "import sys, time\n"
        "from township_atlas.geo import gpkg, workspace\n"
        "real = workspace._write_layer\n"
        "def pausing(path, name, frame):\n"
        "    real(path, name, frame)\n"
        # Only the workspace's own temporary file: the new file exists and holds this layer.
        f"    if name == {after_layer!r} and path.name.startswith('.writing-'):\n"
        f"{pause}"
        "workspace._write_layer = pausing\n"
        "def whole(*args):\n"
        "    raise gpkg.NotInPlace('a test writes the whole file')\n"
        "workspace._write_in_place = whole\n"
        f"{body}"
    )


def wait_for_line(proc: subprocess.Popen, line: str, timeout: float = 120.0) -> None:
    """Block until ``proc`` prints ``line`` on its stdout (a text pipe).

    A reader thread reads the pipe, so the wait is a blocking one with a time limit. Raises
    AssertionError, after killing ``proc``, when it ends or ``timeout`` seconds pass first.
    """
    seen = threading.Event()
    done = threading.Event()

    def read() -> None:
        try:
            for got in proc.stdout:
                if got.rstrip("\r\n") == line:
                    seen.set()
                    return
        finally:
            done.set()

    threading.Thread(target=read, daemon=True).start()
    done.wait(timeout)
    if not seen.is_set():
        proc.kill()
        proc.wait()
        raise AssertionError(f"the process never printed {line!r} (exit code {proc.returncode})")
