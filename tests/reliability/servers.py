"""Servers of a test's own, so that it can stop and start them: a redis-server and a
PostgreSQL cluster (initdb'd in the test's folder, on a free loopback port), never the shared
ones the rest of the suite uses."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    """A redis-server on a fixed port, stopped as a crash would (SIGKILL) and started again."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary, self.directory = binary, directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen(
            [*args, "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (run as the `postgres` user when the test runs
    as root, as PostgreSQL requires); `restart` stops it at once (`-m immediate`, as a crash
    or a kill would) and starts it again on the same port and data."""

    def __init__(self, directory: Path) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = found[-1] if found else shutil.which("initdb")
        if initdb is None:
            pytest.skip("PostgreSQL is not installed")
        self.bin = Path(initdb).parent
        self.directory = directory
        self.data = directory / "pg"
        self.port = free_port()
        self.url = f"postgresql+asyncpg://gatekeeper@127.0.0.1:{self.port}/gatekeeper"
        self.running = False

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

    def create(self) -> None:
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "gatekeeper", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "gatekeeper", "gatekeeper"
        )

    def start(self) -> None:
        # Commits are synchronous, as PostgreSQL's default: with `synchronous_commit=off` a
        # server crash loses the last commits it had acknowledged (postgresql.org/docs,
        # "Asynchronous Commit"), which no production setup of the bot allows. fsync and
        # full-page writes guard against a crash of the machine, which the runs never make.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.data / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", "-o", options, "start"
        )
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
            self.running = False
