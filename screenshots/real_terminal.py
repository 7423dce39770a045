"""Screenshot pipetui's board as a real terminal emulator draws it.

The SVG snapshots (make_screenshots.py) cannot show bidi mistakes: the SVG
renderer reorders right-to-left text by itself. Here xterm draws the board
under Xvfb; xterm applies no bidi at all, so what the picture shows is exactly
what pipetui sent: Hebrew and Arabic read correctly only if pipetui laid them
out in visual order (and sent Arabic already shaped).

Run by hand or with `make screenshots-terminal` (not part of `make test`).
Missing tools are installed with apt-get when running as root. Writes
screenshots/board-real-terminal.png (160x45) and, with --small, also
screenshots/board-real-terminal-80x24.png.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PIPETUI = ROOT / ".venv" / "bin" / "pipetui"
FROZEN_NOW = "2026-11-20T10:00:00+00:00"  # the same clock as make_screenshots.py
TITLE = "pipetui-real-terminal"

APT_PACKAGES = (
    "xvfb",
    "xterm",
    "x11-apps",  # xwd
    "x11-utils",  # xwininfo
    "imagemagick",  # import, convert
    "fonts-dejavu-core",
    "fonts-noto-core",  # Noto Sans Hebrew / Arabic: glyphs DejaVu Sans Mono lacks
    "fonts-freefont-ttf",  # FreeMono: monospaced Hebrew, one glyph a cell
    "fonts-wqy-microhei",  # Chinese and Korean names in the demo data (5 MB, not 90)
)
LANGS = ("he", "ar", "zh-cn", "ko")  # fc-list :lang=X must find a font for each
TOOLS = ("Xvfb", "xterm", "xwininfo", "xwd", "import")
CONVERT = "/usr/bin/convert"  # ImageMagick's own, not a stand-in earlier on PATH
FONTS = ("DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono", "FreeMono")
HEBREW_MONO = "FreeMono"
"""DejaVu Sans Mono has Arabic (with the presentation forms pipetui sends) but
no Hebrew; left to fontconfig, xterm would draw Hebrew from the proportional
Noto Sans Hebrew, unevenly spaced in the cells. FreeMono is listed second in
the -fa pattern so Hebrew comes from a monospaced face."""
FONT_SIZE = 12

START_TIMEOUT = 15.0  # seconds for Xvfb / the xterm window to appear
DRAW_TIMEOUT = 60.0  # seconds for the board to be drawn and settle
STABLE_FOR = 2.0  # the picture must stay the same this long to count as drawn
POLL = 0.5
MIN_COLOURS = 16  # fewer: still the empty terminal (or a bare error message)


class ShotError(RuntimeError):
    """A step failed; the message says which and why."""


@dataclass(frozen=True)
class Shot:
    columns: int
    rows: int
    output: Path


@dataclass(frozen=True)
class Run:
    """One xterm and where it leaves the traces that explain a failure."""

    terminal: subprocess.Popen[bytes]
    home: Path
    status: Path  # pipetui's exit status, written by the shell xterm runs
    screen: Path  # everything xterm showed (xterm -l -lf)
    errors: Path  # xterm's own stderr

    def why_exited(self) -> str:
        code = self.status.read_text().strip() if self.status.exists() else "?"
        parts = [f"pipetui exited with status {code} (xterm {self.terminal.returncode})"]
        screen = _tail(self.screen, plain=True)
        if screen:
            parts.append(f"last screen output:\n{screen}")
        for log in sorted((self.home / "state").glob("**/errors.log")):
            parts.append(f"{log.name}:\n{_tail(log)}")
        xterm = _tail(self.errors)
        if xterm:
            parts.append(f"xterm stderr:\n{xterm}")
        return "\n".join(parts)


_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>78])")


def _tail(path: Path, plain: bool = False, limit: int = 3000) -> str:
    """The end of a log file; with `plain`, terminal escape sequences removed."""
    if not path.exists():
        return ""
    text = path.read_text(errors="replace")
    if plain:
        text = _ESCAPES.sub("", text).replace("\r", "")
    return text.strip()[-limit:]


# --- tools ---------------------------------------------------------------


def _missing_tools() -> list[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not Path(CONVERT).exists():
        missing.append(CONVERT)
    return missing


def _has_lang(lang: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    result = subprocess.run(
        ["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, check=False
    )
    return bool(result.stdout.strip())


def ensure_tools() -> None:
    """Install what is missing (apt-get, as root), then check again."""
    missing = _missing_tools()
    no_font = [f"a font for :lang={lang}" for lang in LANGS if not _has_lang(lang)]
    if not _has_family(HEBREW_MONO):
        no_font.append(HEBREW_MONO)
    if not missing and not no_font:
        return
    what = ", ".join(missing + no_font)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ShotError(
            f"missing: {what}. Install as root: apt-get install -y --no-install-recommends "
            + " ".join(APT_PACKAGES)
        )
    print(f"installing ({what}) with apt-get ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *APT_PACKAGES],
    ):
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, check=False, timeout=900
        )
        if result.returncode != 0:
            raise ShotError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    still = _missing_tools()
    if still:
        raise ShotError(f"still missing after apt-get: {', '.join(still)}")
    no_font = [lang for lang in LANGS if not _has_lang(lang)]
    if no_font:
        raise ShotError(f"still no font for: {', '.join(no_font)} (see fc-list :lang=X)")


def _has_family(family: str) -> bool:
    result = subprocess.run(
        ["fc-list", f"{family}", "family"], capture_output=True, text=True, check=False
    )
    return any(family in line.split(",") for line in result.stdout.splitlines())


def pick_font() -> str:
    """xterm's -fa pattern: the first monospace face fontconfig really has,
    then FreeMono for Hebrew; xterm falls back per glyph to any other font
    (e.g. WenQuanYi for CJK) for what these lack."""
    primary = next((family for family in FONTS if _has_family(family)), "monospace")
    if primary != HEBREW_MONO and _has_family(HEBREW_MONO):
        return f"{primary},{HEBREW_MONO}"
    return primary


# --- processes -----------------------------------------------------------


def _free_display() -> int:
    for number in range(99, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise ShotError("no free X display number between :99 and :139")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def xvfb(home: Path) -> Iterator[dict[str, str]]:
    """A private X server; yields the environment that points at it."""
    number = _free_display()
    log = home / "xvfb.log"
    server: subprocess.Popen[bytes] | None = None
    try:
        with log.open("wb") as errors:  # a file, not a pipe nobody reads
            server = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp",
                 "-noreset"],
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )  # fmt: skip
        env = {**os.environ, "DISPLAY": f":{number}"}
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                error = log.read_text(errors="replace")[-4000:]
                raise ShotError(f"Xvfb :{number} exited ({server.returncode}):\n{error}")
            probe = subprocess.run(["xwininfo", "-root"], env=env, capture_output=True, check=False)
            if probe.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise ShotError(f"Xvfb :{number} did not start in {START_TIMEOUT:.0f}s")
            time.sleep(0.2)
        yield env
    finally:
        _stop(server)


def _window_id(env: dict[str, str]) -> str | None:
    result = subprocess.run(
        ["xwininfo", "-name", TITLE], env=env, capture_output=True, text=True, check=False
    )
    if "IsViewable" not in result.stdout:  # not mapped yet: nothing to grab
        return None
    for line in result.stdout.splitlines():
        if "Window id:" in line:
            return line.split("Window id:")[1].split()[0]
    return None


def _grab(window: str, env: dict[str, str]) -> bytes:
    """The window as PNG bytes (import; xwd + convert if import fails)."""
    result = subprocess.run(
        ["import", "-window", window, "png:-"],
        env=env,
        capture_output=True,
        check=False,
        timeout=30,
    )
    if result.returncode == 0 and result.stdout:
        return result.stdout
    xwd = subprocess.run(
        ["xwd", "-silent", "-id", window], env=env, capture_output=True, check=False, timeout=30
    )
    if xwd.returncode != 0:
        raise ShotError(f"cannot grab window {window}: {xwd.stderr.decode(errors='replace')}")
    png = subprocess.run(
        [CONVERT, "xwd:-", "png:-"], input=xwd.stdout, capture_output=True, check=False, timeout=30
    )
    if png.returncode != 0:
        raise ShotError(f"convert xwd→png failed: {png.stderr.decode(errors='replace')}")
    return png.stdout


def _optimise(png: bytes, output: Path) -> None:
    """Strip metadata and quantise to 256 colours (text on a few theme colours
    loses nothing visible) so the README picture stays small."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    result = subprocess.run(
        [CONVERT, "png:-", "-strip", "-colors", "256", "-define", "png:compression-level=9",
         f"png8:{partial}"],
        input=png,
        capture_output=True,
        check=False,
        timeout=60,
    )  # fmt: skip
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ShotError(f"convert failed: {result.stderr.decode(errors='replace')}")
    partial.replace(output)  # the old picture stays until the new one is whole


def shoot(shot: Shot, database: Path, home: Path, font: str, env: dict[str, str]) -> None:
    """Open the board in an xterm of shot.columns x shot.rows, wait until it is
    drawn and has stopped changing, save the window as shot.output."""
    status = home / f"exit-{shot.columns}x{shot.rows}"
    app_env = _app_env(home, env)
    # Textual draws on stderr, so nothing is redirected; the exit status is
    # kept to explain an early exit (the traceback goes to pipetui's error log).
    # xterm drops COLORTERM from its children's environment, so it is set here:
    # xterm draws 24-bit colour (directColor) and the board gets its real theme.
    command = (
        f"COLORTERM=truecolor {shlex.quote(str(PIPETUI))} --db {shlex.quote(str(database))}; "
        f"echo $? >{shlex.quote(str(status))}"
    )
    xterm_log = home / f"xterm-{shot.columns}x{shot.rows}.log"
    screen_log = home / f"screen-{shot.columns}x{shot.rows}.log"
    terminal: subprocess.Popen[bytes] | None = None
    try:
        with xterm_log.open("wb") as errors:  # a file: xterm may warn per glyph
            terminal = subprocess.Popen(
                [
                    "xterm",
                    "-T", TITLE,
                    "-n", TITLE,
                    "-geometry", f"{shot.columns}x{shot.rows}+0+0",
                    "-fa", font,
                    "-fs", str(FONT_SIZE),
                    "-u8",
                    "-l", "-lf", str(screen_log),
                    "-tn", "xterm-256color",
                    "-bg", "black",
                    "-fg", "white",
                    "-bw", "0",
                    "-b", "0",
                    "+sb",
                    "-xrm", "XTerm*cursorBlink: false",
                    "-xrm", "XTerm*directColor: true",
                    "-e", "sh", "-c", command,
                ],
                env=app_env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )  # fmt: skip
        run = Run(terminal, home, status, screen_log, xterm_log)
        window = _wait_for_window(run, env)
        png = _wait_until_drawn(run, window, env)
        _optimise(png, shot.output)
    finally:
        _stop(terminal)
    size = shot.output.stat().st_size // 1024
    print(f"wrote {shot.output} ({size} KB)", file=sys.stderr)


def _wait_for_window(run: Run, env: dict[str, str]) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if run.terminal.poll() is not None:
            raise ShotError(f"xterm closed before its window was found; {run.why_exited()}")
        window = _window_id(env)
        if window:
            return window
        if time.monotonic() > deadline:
            raise ShotError(f"no xterm window titled {TITLE!r} after {START_TIMEOUT:.0f}s")
        time.sleep(0.2)


def _wait_until_drawn(run: Run, window: str, env: dict[str, str]) -> bytes:
    """Poll the window until its picture has stopped changing for STABLE_FOR
    seconds (Textual draws the board in a few frames, then idles)."""
    deadline = time.monotonic() + DRAW_TIMEOUT
    last_digest = ""
    stable_since = time.monotonic()
    while True:
        if run.terminal.poll() is not None:
            raise ShotError(f"xterm closed before the board settled; {run.why_exited()}")
        try:
            png = _grab(window, env)
        except ShotError:
            if time.monotonic() > deadline:
                raise
            time.sleep(POLL)  # the window is closing (said above) or being remapped
            continue
        digest = hashlib.sha256(png).hexdigest()
        now = time.monotonic()
        if digest != last_digest:
            last_digest, stable_since = digest, now
        elif now - stable_since >= STABLE_FOR and _colours(png) >= MIN_COLOURS:
            return png
        if now > deadline:
            raise ShotError(
                f"the board did not settle within {DRAW_TIMEOUT:.0f}s; last screen output:\n"
                + _tail(run.screen, plain=True, limit=1500)
            )
        time.sleep(POLL)


def _colours(png: bytes) -> int:
    """How many colours the picture has: an empty xterm has two or three."""
    result = subprocess.run(
        [CONVERT, "png:-", "-format", "%k", "info:"],
        input=png,
        capture_output=True,
        check=False,
        timeout=30,
    )
    text = result.stdout.decode(errors="replace").strip()
    return int(text) if text.isdigit() else 0


# --- data ----------------------------------------------------------------


def _app_env(home: Path, base: dict[str, str]) -> dict[str, str]:
    """pipetui's environment: everything user-level inside `home`, no config
    file, the clock frozen so re-runs draw the same board."""
    return {
        **_without_db(base),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PIPETUI_CONFIG": str(home / "no-such-config.toml"),
        "PIPETUI_NOW": FROZEN_NOW,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def _without_db(environ: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in environ.items() if key != "PIPETUI_DB"}


def make_demo(home: Path) -> Path:
    database = home / "demo.db"
    env = _app_env(home, dict(os.environ))
    result = subprocess.run(
        [str(PIPETUI), "--db", str(database), "demo"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise ShotError(f"pipetui demo failed ({result.returncode}):\n{result.stderr}")
    return database


# --- main ----------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", action="store_true", help="also an 80x24 screenshot")
    parser.add_argument("--no-install", action="store_true", help="never run apt-get")
    parser.add_argument("--font", help="fontconfig pattern for xterm -fa (default: picked)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    shots = [Shot(160, 45, HERE / "board-real-terminal.png")]
    if args.small:
        shots.append(Shot(80, 24, HERE / "board-real-terminal-80x24.png"))
    try:
        if not PIPETUI.exists():
            raise ShotError(f"{PIPETUI} not found: run `make run` (or `make test`) first")
        if args.no_install:
            if _missing_tools():
                raise ShotError(f"missing: {', '.join(_missing_tools())}")
        else:
            ensure_tools()
        font = args.font or pick_font()
        with tempfile.TemporaryDirectory(prefix="pipetui-shot-") as tmp:
            home = Path(tmp)
            database = make_demo(home)
            with xvfb(home) as env:
                for shot in shots:
                    shoot(shot, database, home, font, env)
    except (ShotError, subprocess.TimeoutExpired) as error:
        print(f"real_terminal.py: {error}", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.1f}s (font: {font})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
