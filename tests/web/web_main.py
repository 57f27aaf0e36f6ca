"""The NiceGUI main file of the browser-free ``user`` tests: the pages, as ``serve`` builds them."""

from nicegui import ui

from assignments.web.app import build

build()
ui.run(language="zh-CN", storage_secret="test", reload=False)
