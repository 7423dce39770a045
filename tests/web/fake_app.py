"""A stand-in for the app of one session: speaks Textual's web-driver framing
like `pipetui.web.child` does, in milliseconds, and records how it was started.

On start it appends one JSON line to $FAKE_APP_RECORD: its argv, its parent's
pid, its own pid and the environment variables the tests look at. Then it
prints the prelude and "hello", echoes each key packet back as "echo:<keys>",
offers a file for download on the keys "download", and exits on a quit meta.
"""

from __future__ import annotations

import json
import os
import sys

from textual._binary_encode import dump


def write(kind: bytes, payload: bytes) -> None:
    sys.stdout.buffer.write(kind + len(payload).to_bytes(4, "big") + payload)
    sys.stdout.buffer.flush()


def read_exactly(size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sys.stdin.buffer.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def main() -> None:
    watched = ("PIPETUI_DB", "PIPETUI_SERVE_TOKEN", "TEXTUAL_DRIVER", "PIPETUI_USER")
    record = {
        "argv": sys.argv,
        "executable": sys.executable,
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "env": {name: os.environ.get(name) for name in watched},
    }
    with open(os.environ["FAKE_APP_RECORD"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    sys.stdout.buffer.write(b"__GANGLION__\n")
    write(b"D", b"hello")
    file_data = b"deal,value\nAcme,100\n" * 5000  # (100 KB: more than one chunk)
    offset = 0
    while True:
        try:
            kind = read_exactly(1)
            payload = read_exactly(int.from_bytes(read_exactly(4), "big"))
        except EOFError:
            return
        if kind == b"D":
            if payload == b"download":
                meta = {
                    "type": "deliver_file_start",
                    "key": "k1",
                    "path": "/somewhere/deals.csv",
                    "open_method": "download",
                    "mime_type": "text/csv",
                    "encoding": "",
                    "name": None,
                }
                write(b"M", json.dumps(meta).encode())
            else:
                write(b"D", b"echo:" + payload)
        elif kind == b"M":
            meta = json.loads(payload)
            if meta["type"] == "quit":
                write(b"M", json.dumps({"type": "exit"}).encode())
                return
            if meta["type"] == "deliver_chunk_request":
                chunk = file_data[offset : offset + meta["size"]]
                offset += len(chunk)
                write(b"P", dump(("deliver_chunk", meta["key"], chunk)))


if __name__ == "__main__":
    main()
