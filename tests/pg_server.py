"""A throwaway PostgreSQL server for the tests: initdb into a temporary
directory, listening only on a Unix socket there, stopped and removed at the end.

Debian's server binaries (initdb, pg_ctl) are used where they are; missing ones
are installed with apt-get when running as root. PostgreSQL refuses to run as
root, so as root the server runs as the unprivileged `postgres` user (or
`nobody`). Durability is switched off (fsync, full_page_writes): a test server
that loses its data in a power cut loses nothing anyone needs, and it is much
faster. Every test gets its own database (`new_database`).

`python tests/pg_server.py` starts one and prints its URL, for trying pipetui by
hand; ctrl+c stops it.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

_SEARCH = ["/usr/lib/postgresql/*/bin"]


def _binaries() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for pattern in _SEARCH:
        for match in sorted(glob.glob(pattern), reverse=True):
            if (Path(match) / "initdb").exists():
                return Path(match)
    return None


def _install() -> str | None:
    """apt-get install the server as root; the reason it cannot be had, or None."""
    if os.geteuid() != 0:
        return "PostgreSQL server binaries (initdb) not found, and not root to install them"
    if shutil.which("apt-get") is None:
        return "PostgreSQL server binaries (initdb) not found, and no apt-get to install them"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"installing PostgreSQL failed: {' '.join(command)}: {done.stderr[-300:]}"
    return None


def _run_as() -> str | None:
    """The unprivileged user to run the server as (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    return None


@dataclass
class Server:
    """A running throwaway server: `url(name)` for one of its databases."""

    root: Path
    bin: Path
    user: str | None
    role: str
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def url(self, database: str, *, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{self.role}@/{database}?host={self.socket_dir}"

    def dsn(self, database: str = "postgres") -> str:
        return f"dbname={database} user={self.role} host={self.socket_dir}"

    def new_database(self, prefix: str = "t", *, template: str | None = None) -> str:
        """Create an empty database (or a copy of `template`); its name."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            if template is not None:  # a template must have no one connected
                connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (template,),
                )
            source = template or "template0"
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _as(
            self.user,
            [str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _as(user: str | None, command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, user=user, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )


def start() -> Server | str:
    """Start a server; the Server, or why none can be had.

    PIPETUI_TEST_NO_POSTGRES=REASON pretends none can be had (to see how the
    suite reports it)."""
    pretend = os.environ.get("PIPETUI_TEST_NO_POSTGRES")
    if pretend:
        return pretend
    binaries = _binaries()
    if binaries is None:
        reason = _install()
        if reason is not None:
            return reason
        binaries = _binaries()
        if binaries is None:
            return "PostgreSQL was installed but initdb is still not found"
    user = _run_as()
    if os.geteuid() == 0 and user is None:
        return "running as root and no unprivileged user (postgres, nobody) to run the server as"
    root = Path(tempfile.mkdtemp(prefix="pipetui-pg-"))
    os.chmod(root, 0o755)
    (root / "socket").mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (root, root / "socket"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    role = user or pwd.getpwuid(os.geteuid()).pw_name
    data = root / "data"
    done = _as(
        user,
        [str(binaries / "initdb"), "-D", str(data), "-U", role, "-A", "trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"],
    )  # fmt: skip
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        return f"initdb failed: {done.stderr.strip()[-300:]}"
    options = (
        f"-k {root / 'socket'} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
        "-c synchronous_commit=off -c max_connections=200 -c shared_buffers=128MB"
    )
    done = _as(
        user,
        [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
         "-w", "-t", "60", "start"],
    )  # fmt: skip
    if done.returncode != 0:
        log = (root / "log").read_text(errors="replace")[-400:] if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        return f"the server did not start: {done.stderr.strip()[-200:]} {log}"
    return Server(root=root, bin=binaries, user=user, role=role)


def main() -> int:
    server = start()
    if isinstance(server, str):
        print(server, file=sys.stderr)
        return 1
    name = server.new_database("try")
    print(server.url(name), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
