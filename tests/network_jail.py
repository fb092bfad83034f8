"""No network at run time, checked by the operating system rather than by Python.

`jailed(command, log)` runs a command in a network namespace of its own (`unshare --net`: a
loopback and no route anywhere else), traced by `strace -f` for every connect/sendto/sendmsg
of every process and thread it starts, native libraries included. `network_attempts(log)`
lists the calls that tried to leave the machine: any address that is not loopback, and any
name lookup (DNS, port 53) wherever it went. `remote_loads(html)` lists what a page would
fetch from elsewhere when opened: scripts, styles, images, frames, CSS imports and URLs, and
URL strings in inline scripts; links a reader may click are not loads.

Root is needed for the namespace (as in this project's machines and CI); `jail_missing()`
says what is missing elsewhere.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

TRACED = "trace=connect,sendto,sendmsg,sendmmsg"
INET = re.compile(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
INET6 = re.compile(r'sa_family=AF_INET6, sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"')
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def jail_missing() -> str | None:
    """Why the jail cannot run here, or None."""
    if os.geteuid() != 0:
        return "a network namespace needs root (unshare --net)"
    missing = [tool for tool in ("unshare", "strace", "ip") if shutil.which(tool) is None]
    return f"missing {', '.join(missing)}" if missing else None


def jailed(command: list[str], log: Path) -> list[str]:
    """`command` with no network but loopback (brought up: Jupyter kernels talk over it),
    every network call of every process it starts written to `log`."""
    return ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "jail",
            "strace", "-f", "-qq", "--seccomp-bpf", "-e", TRACED, "-e", "signal=none",
            "-o", str(log), "--", *command]


def leaves_the_machine(port: int, address: str) -> bool:
    if port == 53:  # a name lookup, even through a local resolver, asks the world
        return True
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_loopback and not ip.is_unspecified


def network_attempts(log: Path) -> list[str]:
    """The traced calls that tried to reach beyond this machine."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        for port, address in INET.findall(line) + INET6.findall(line):
            if leaves_the_machine(int(port), address):
                found.append(line)
    return found


def is_remote(url: str) -> bool:
    url = url.strip()
    if not url.startswith(("http://", "https://", "//")):
        return False
    host = re.sub(r"^(https?:)?//", "", url).split("/", 1)[0].rsplit("@", 1)[-1]
    host = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return host.lower() not in LOCAL_HOSTS


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]([^'"]+)""")
JS_STRING_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)["'`]""")
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
LINE_COMMENT = re.compile(r"(?m)^\s*//.*$|(?<=[\s;{}(,])//(?!/)[^\n\"'`]*$")
LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"),
           ("iframe", "src"), ("frame", "src"), ("embed", "src"), ("source", "src"),
           ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
           ("object", "data"), ("input", "src"), ("track", "src"), ("image", "href")}
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


class RemoteLoads(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.inside: str | None = None  # "style" or "script" while in one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            urls = value.split(",") if name == "srcset" else [value]
            if (tag, name) in LOADING:
                self.found += [f"<{tag} {name}={u.split()[0]}>" for u in urls
                               if u.strip() and is_remote(u.split()[0])]
            if name == "style":
                self.found += css_loads(value)
        if tag == "style" or (tag == "script" and (values.get("type") or "") in SCRIPT_TYPES
                              and not values.get("src")):
            self.inside = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data: str) -> None:
        if self.inside == "style":
            self.found += css_loads(data)
        elif self.inside == "script":
            code = LINE_COMMENT.sub("", BLOCK_COMMENT.sub("", data))
            self.found += [f"script string {u}" for u in JS_STRING_URL.findall(code) if is_remote(u)]


def css_loads(css: str) -> list[str]:
    css = BLOCK_COMMENT.sub("", css)
    return [f"css {a or b}" for a, b in CSS_URL.findall(css) if is_remote(a or b)]


def remote_loads(html: str) -> list[str]:
    parser = RemoteLoads()
    parser.feed(html)
    parser.close()
    return parser.found
