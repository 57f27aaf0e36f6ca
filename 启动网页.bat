@echo off
rem 双击本文件：第一次会安装（需要联网，几分钟），以后直接打开网页。关闭本窗口即停止。
chcp 65001 >nul
cd /d "%~dp0"
if not exist .venv\Scripts\python.exe (
  echo 第一次使用：正在安装，请稍候……
  py -m venv .venv || python -m venv .venv || goto :nopython
  .venv\Scripts\python.exe -m pip install -e ".[web]" || goto :failed
)
echo 正在启动网页 http://127.0.0.1:8080/ ，浏览器会自动打开；关闭本窗口即停止。
.venv\Scripts\python.exe -m assignments web --port 8080
goto :end
:nopython
echo 没有找到 Python。请先从 Python 官网安装 Python 3.11 或更高版本（安装时勾选 Add python.exe to PATH），再双击本文件。
pause
goto :end
:failed
echo 安装失败：请检查网络（可在单位常用的 PyPI 镜像下重试），或把上面的信息发给技术人员。
pause
:end
