#!/usr/bin/env bash
# Installs the Debian packages Haven needs, only if they are missing. Run as root or with sudo.
# The photosensitivity slice needs only a Python 3.11 that can make virtual environments: PyAV's
# wheel carries FFmpeg. Later slices add their packages (espeak-ng, chromium...) here.
set -euo pipefail
need=()
python3 -c "import ensurepip, venv" 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "installing Debian packages: ${need[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}"
