"""What one `pipetui serve` serves and to whom: the address, the secret token,
the allow-lists derived from them, and the limits."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TOKEN_ENV = "PIPETUI_SERVE_TOKEN"
MIN_TOKEN_LENGTH = 16


class ServeConfigError(ValueError):
    """An option `pipetui serve` cannot serve with (exit 2, one line)."""


def new_token() -> str:
    """A fresh secret for one start: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def check_token(token: str) -> str:
    """A token given in PIPETUI_SERVE_TOKEN, refused when it is too short to
    be a secret or holds characters a URL would have to escape."""
    if len(token) < MIN_TOKEN_LENGTH:
        raise ServeConfigError(f"{TOKEN_ENV} must be at least {MIN_TOKEN_LENGTH} characters")
    if not all(c.isascii() and (c.isalnum() or c in "-_.~") for c in token):
        raise ServeConfigError(f"{TOKEN_ENV} may hold only letters, digits and - _ . ~")
    return token


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or "localhost") is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """Whether `host` means every address of the machine (0.0.0.0, ::)."""
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host == ""


def host_port(host: str, port: int) -> str:
    """`host:port` as a Host header carries it (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True)
class ServeConfig:
    """The server's settings; the allow-lists follow from host, port and
    public_url, so a test and the CLI build them the same way."""

    host: str
    port: int
    token: str
    app_argv: tuple[str, ...]
    """The child's command line: a list run directly, never through a shell."""
    app_env: dict[str, str] = field(default_factory=dict)
    """Set in the child's environment on top of the server's (the database
    location among them: never on a command line, where `ps` shows it)."""
    max_sessions: int = 3
    idle_timeout: float = 30 * 60.0
    """Seconds without a key, click or resize from the browser before the
    session's app is closed."""
    public_url: str | None = None
    """`https://crm.example.com` when a reverse proxy serves this address under
    another name: that origin is then the one allowed, and the cookie Secure."""
    title: str = "pipetui"

    def __post_init__(self) -> None:
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ServeConfigError(
                    f"public-url must be an http:// or https:// address, got {self.public_url!r}"
                )
            if parts.path not in ("", "/") or parts.query or parts.fragment:
                raise ServeConfigError("public-url must be the site's root (no path or query)")
        elif is_wildcard(self.host):
            raise ServeConfigError(
                f"--host {self.host} listens on every address: also give --public-url "
                "with the name browsers use, so the Host and Origin checks know it"
            )
        if self.max_sessions < 1:
            raise ServeConfigError("max-sessions must be 1 or more")
        if self.idle_timeout <= 0:
            raise ServeConfigError("idle-timeout must be more than 0")

    @property
    def url(self) -> str:
        """The address to open (without the token)."""
        if self.public_url is not None:
            return self.public_url.rstrip("/") + "/"
        return f"http://{host_port(self.host, self.port)}/"

    @property
    def secure_cookie(self) -> bool:
        """The cookie goes only over HTTPS when the public address is HTTPS."""
        return self.url.startswith("https://")

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host header values accepted: the served host:port (and, bound to
        loopback, the same port under the names of loopback, which no DNS
        answer can point elsewhere); with a public URL, its host too."""
        hosts = set()
        if not is_wildcard(self.host):
            hosts.add(host_port(self.host, self.port).lower())
        if is_loopback(self.host):
            hosts |= {host_port(name, self.port) for name in ("127.0.0.1", "localhost", "::1")}
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            hosts.add(parts.netloc.lower())
        return frozenset(hosts)

    @property
    def allowed_origins(self) -> frozenset[str]:
        """Origin header values accepted: the allowed hosts, over http (and
        https for the public URL's own scheme)."""
        origins = {f"http://{host}" for host in self.allowed_hosts}
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            origins.add(f"{parts.scheme}://{parts.netloc.lower()}")
            if parts.scheme == "https":
                origins.discard(f"http://{parts.netloc.lower()}")
        return frozenset(origins)

    @property
    def cookie_name(self) -> str:
        """Cookies are shared by every port of a host, so the name carries
        the port: two servers on one machine do not overwrite each other's."""
        return f"pipetui_serve_{self.port}"
