#!/usr/bin/env bash
# Installs the Debian packages Haven needs, only if they are missing. Run as root or with sudo.
#   python3-venv            the project's virtual environment
#   espeak-ng               generated speech: tests, benchmarks and the demo clip
#   pocketsphinx-testdata   real human speech with transcripts (LibriVox): speech tests and the
#                           word-error-rate benchmark
#   fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf
#                           fonts for the burned-in captions of the OCR tests and benchmark
#   chromium, chromium-driver
#                           the moderators' console is tested end to end in headless Chromium
#                           through Selenium; no tool downloads its own browser
# PyAV's wheel carries FFmpeg, and the models come inside Python packages (pyproject.toml).
set -euo pipefail
need=()
python3 -c "import ensurepip, venv" 2>/dev/null || need+=(python3-venv)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
[ -f /usr/share/pocketsphinx/test/data/librivox/transcription ] || need+=(pocketsphinx-testdata)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf ] || need+=(fonts-liberation2)
[ -f /usr/share/fonts/truetype/freefont/FreeSans.ttf ] || need+=(fonts-freefont-ttf)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "installing Debian packages: ${need[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}"
