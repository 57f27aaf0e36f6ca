"""``assignments web``: a local page for the three offices (NiceGUI).

:func:`serve` starts it (default ``127.0.0.1:8080``, opens the browser); the pages are in
:mod:`assignments.web.app`, the work off the page (checking an upload, the template, the solve
in a worker process) in :mod:`assignments.web.worker`. NiceGUI is the optional extra ``web``
(``pip install -e ".[web]"``).
"""

from __future__ import annotations

import ipaddress
import sys

from assignments.core.errors import UserError
from assignments.core.i18n import tr

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost``: only this computer can open the page."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8080, *, open_browser: bool = True) -> None:
    """Start the page and serve until Ctrl-C; the session folders are removed on the way out."""
    try:
        from nicegui import ui
    except ImportError:
        raise UserError(tr("the web page needs NiceGUI: pip install \"assignments[web]\"")
                        ) from None
    from assignments.web.app import build

    if not 1 <= port <= 65535:
        raise UserError(tr("--port must be between 1 and 65535, got {port}", port=port))
    if not is_loopback(host):
        print(tr("Warning: the page is reachable from other computers at {host}:{port} and has "
                 "no login; anyone on the network can upload files and run solves. Use "
                 "--host 127.0.0.1 unless that is what you want.", host=host, port=port),
              file=sys.stderr, flush=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(tr("The page: http://{host}:{port}/ (Ctrl-C stops the server and removes the "
             "uploaded files and results)", host=shown, port=port), flush=True)
    build()
    ui.run(host=host, port=port, show=open_browser, reload=False, language="zh-CN",
           title=tr("Planning assistant"), show_welcome_message=False,
           uvicorn_logging_level="warning")
