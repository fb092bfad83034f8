"""The Voila server behind `chatbook review`: Voila as it is, with what a private page needs.

`python -m toolkit.ui.review.page NOTEBOOK [voila options]` runs Voila with:

- the `chatbook` page template (`assets/jupyter/voila/templates/chatbook`): Voila's own page
  without its links to a CDN (Font Awesome is bundled in Voila's scripts already), and a
  Content-Security-Policy that lets the page load nothing from anywhere but this server;
- a sign-in page that tells a person what to do when they open the address without its key
  (instead of Jupyter's page about `jupyter server list`);
- the `_xsrf` cookie set on every page load: Voila's page sends it back when it closes, to shut
  its kernel down; without the cookie that request was refused (403) and every reload or closed
  tab left a kernel running;
- idle kernels culled after a while, for tabs that vanish without saying goodbye;
- `GET /api/kernels`, read-only, so a person (or a test) can count the kernels running, and
  `GET /chatbook/api/warm`: how many kernels wait with the page already drawn (`--warm`, Voila's
  pre-heated kernels), so `chatbook review` prints its link when the page will open at once.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider, User
from jupyter_server.services.kernels.handlers import KernelsAPIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.websocket import WebSocketHandler
from traitlets import Dict, Type
from voila.app import Voila
from voila.voila_identity_provider import VoilaLoginHandler

TEMPLATE = "chatbook"
CULL_IDLE_S = 600  # a kernel no page has used for this long is shut down
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    # Voila's page runs inline scripts; anywidget imports the widget's module from a blob: URL.
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline' blob:",
    "img-src 'self' data: blob:",  # the flyer's thumbnails are data: URLs
    "font-src 'self' data:",
    "connect-src 'self'",  # the kernel's websocket is this server too
    "frame-ancestors 'self'",
    "base-uri 'self'",
    "form-action 'self'",
])


def jupyter_data_dir() -> Path:
    """The folder that holds `voila/templates/chatbook` (put first on JUPYTER_PATH)."""
    return Path(str(resources.files(__package__).joinpath("assets", "jupyter")))


SIGN_IN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>chatbook review: open the link with its key</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  background: #f7f8fa; color: #1f2933; margin: 0; }}
main {{ max-width: 620px; margin: 8vh auto; background: #fff; border: 1px solid #e1e5ea;
  border-radius: 12px; padding: 28px 32px; line-height: 1.5; }}
h1 {{ font-size: 21px; margin: 0 0 12px; }}
code {{ background: #f1f3f5; padding: 1px 5px; border-radius: 4px; }}
.error {{ background: #fde2e1; color: #9b1c1c; padding: 8px 12px; border-radius: 8px; }}
label {{ display: block; margin-top: 18px; font-size: 14px; color: #52606d; }}
input[type=password] {{ width: 70%; padding: 6px 8px; font: inherit; }}
button {{ padding: 6px 14px; font: inherit; }}
</style></head>
<body><main>
<h1>This review page needs its key</h1>
{message}
<p>Your review page is private: only the link that <code>chatbook review</code> printed opens
it. Go back to the terminal where you started <code>chatbook review</code> and open the whole
link it shows there, the one that ends in <code>?token=…</code>.</p>
<p>Closed that terminal? Run <code>chatbook review</code> again: it prints a new link and opens
it in your browser.</p>
<form method="post" action="{action}">
<label for="password">Or paste the key here (the part of the link after <code>token=</code>):</label>
<input type="password" id="password" name="password" autocomplete="off" autofocus>
<button type="submit">Open</button>
{xsrf}
</form>
</main></body></html>
"""


class ReviewSignInHandler(VoilaLoginHandler):
    """Voila's sign-in form, in words a person can act on."""

    def _render(self, message: dict[str, str] | None = None) -> None:
        from html import escape

        error = ""
        if message and message.get("error"):
            error = ('<p class="error">That key does not match. Copy it again from the '
                     "terminal (everything after <code>token=</code>, without spaces).</p>")
        next_url = self.get_argument("next", default=self.base_url)
        action = url_path_join(self.base_url, "login") + "?next=" + web.escape.url_escape(next_url)
        self.write(SIGN_IN_PAGE.format(message=error, action=escape(action),
                                       xsrf=self.xsrf_form_html()))


class ReviewIdentityProvider(PasswordIdentityProvider):
    """Token sign-in as Voila does it, with the sign-in page above and the `_xsrf` cookie set
    on every page load (Voila's page reads it to shut its kernel down when it closes)."""

    async def _get_user(self, handler: web.RequestHandler) -> User | None:
        user = await super()._get_user(handler)
        if (user is not None and handler.request.method == "GET"
                and not isinstance(handler, WebSocketHandler)):
            handler.current_user = user  # what jupyter_server's prepare() sets next anyway
            handler.xsrf_token  # noqa: B018  (reading it sets the cookie when missing)
        return user

    def get_handlers(self) -> list[tuple[str, object]]:
        handlers = [(path, ReviewSignInHandler if path == r"/login" else handler)
                    for path, handler in super().get_handlers()]
        return handlers


class KernelListHandler(KernelsAPIHandler):  # type: ignore[misc]
    """GET /api/kernels: the kernels running (read-only; Voila offers no list of its own)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        kernels = await ensure_async(self.kernel_manager.list_kernels())
        self.finish(json.dumps(kernels, default=str))


class WarmHandler(KernelsAPIHandler):  # type: ignore[misc]
    """GET /chatbook/api/warm: {"ready": kernels whose page is drawn already, "starting": ...}."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        ready = starting = 0
        for tasks in getattr(self.kernel_manager, "_pools", {}).values():
            for task in tasks:
                if warm_page_ready(task):
                    ready += 1
                else:
                    starting += 1
        self.finish(json.dumps({"ready": ready, "starting": starting}))


def warm_page_ready(task: Any) -> bool:
    """A pre-heated kernel is ready when it started and its run of the notebook is over."""
    if not task.done() or task.cancelled() or task.exception() is not None:
        return False
    render = task.result().get("task")
    return render is None or bool(render.done())


class ReviewVoila(Voila):  # type: ignore[misc]
    """Voila with the review page's sign-in, headers and kernel list."""

    identity_provider_class = Type(default_value=ReviewIdentityProvider, klass=IdentityProvider,
                                   config=True)
    tornado_settings = Dict(
        {"headers": {"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                     "Referrer-Policy": "same-origin"}},
        config=True)

    def init_handlers(self) -> list[Any]:
        handlers: list[Any] = super().init_handlers()
        # First: in single-notebook mode Voila sends every other path to its file handler.
        handlers.insert(0, (url_path_join(self.server_url, r"/api/kernels"), KernelListHandler))
        handlers.insert(0, (url_path_join(self.server_url, r"/chatbook/api/warm"), WarmHandler))
        return handlers


def main(argv: list[str] | None = None) -> None:
    """Run the review page's Voila (the same options as `voila`)."""
    ours = str(jupyter_data_dir())
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [ours, *[p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]])
    args = list(sys.argv[1:] if argv is None else argv)
    defaults = [f"--template={TEMPLATE}",
                f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
                "--MappingKernelManager.cull_interval=60"]
    ReviewVoila.launch_instance([*defaults, *args])


if __name__ == "__main__":
    main()
