"""Real processes for the tests of background work: Celery workers and beats as
subprocesses on the test database and Redis, a private redis-server on a port of
its own (never the shared one), and an SMTP sink that records what it receives.
Every process is started in its own session and killed by its id at the end."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def wait_for(condition, timeout: float, message: str = "condition") -> float:
    """Poll until `condition()` is true; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(**overrides: str) -> dict[str, str]:
    """The environment for a subprocess on this test run's database and Redis."""
    settings = connection.settings_dict
    database = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))
    }
    env.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="code4000.settings",
        CONN_MAX_AGE="0",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


class Processes:
    """Starts subprocesses and makes sure each is gone at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process.log_path = self.log_dir / f"{name}.log"
        process.log_file = log
        self.running.append(process)
        return process

    def worker(self, name: str, env: dict[str, str], *extra: str) -> subprocess.Popen:
        return self.start(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "code4000",
                "worker",
                "-n",
                f"{name}@%h",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                *extra,
            ],
            env,
        )

    def beat(self, name: str, env: dict[str, str]) -> subprocess.Popen:
        return self.start(
            name,
            [str(BIN / "celery"), "-A", "code4000", "beat", "--loglevel=INFO"],
            env,
        )

    def kill(self, process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.log_file.close()

    def stop_all(self) -> None:
        for process in self.running:
            if not process.log_file.closed:
                self.kill(process)


def log_of(process: subprocess.Popen) -> str:
    return Path(process.log_path).read_text(errors="replace")


class PrivateRedis:
    """A redis-server of our own on a free loopback port, to stop and start."""

    def __init__(self, processes: Processes, workdir: Path) -> None:
        self.processes = processes
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for the broker-outage test"
        self.process = self.processes.start(
            f"redis-{self.port}",
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            os.environ.copy(),
        )
        wait_for(self.answers, 10, "the private redis-server")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.processes.kill(self.process, signal.SIGTERM)
            self.process = None


class SmtpSink:
    """An SMTP server on a free port that keeps every message and may take a
    while over each (to catch a worker in the middle of a batch)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[bytes] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:
                self.reply("220 sink ready")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    command = line.strip().upper()
                    if command.startswith((b"EHLO", b"HELO")):
                        self.reply("250 sink")
                    elif command == b"DATA":
                        self.reply("354 go on")
                        body = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            body.append(data)
                        time.sleep(sink.delay)
                        sink.messages.append(b"".join(body))
                        self.reply("250 kept")
                    elif command == b"QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
