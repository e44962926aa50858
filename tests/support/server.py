"""The dashboard served by ``township-atlas serve`` in a subprocess, as an office runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    """Return once Streamlit answers its health check; raise if the process dies or is slow."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
            raise RuntimeError(f"server exited: {err}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"server did not start within {timeout_s:.0f} s")


def start_server(workspace: Path, home: Path, *extra: str) -> Server:
    """Serve ``workspace`` on a free port with ``home`` as the data folder; ``extra``: more
    arguments to ``serve`` (e.g. ``--address 0.0.0.0``)."""
    port = free_port()
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(home)}
    cmd = [sys.executable, "-m", "township_atlas.cli", "serve", str(workspace), *extra]
    cmd += ["--port", str(port), "--headless"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc)
    return Server(url, proc)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
