#!/bin/sh
# The local web page in one command (Linux/macOS): installs on first use, then starts
# `assignments web` (http://127.0.0.1:8080/, opens the browser; Ctrl-C stops it).
set -e
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
    echo "第一次使用：正在安装，请稍候…… (first use: installing)"
    python3 -m venv .venv
    .venv/bin/python -m pip install -e ".[web]"
fi
exec .venv/bin/python -m assignments web "$@"
