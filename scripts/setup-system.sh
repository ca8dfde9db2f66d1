#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages walktimer needs to run and to be tested, only those missing.
# Safe to run again: when everything is present it changes nothing and asks for no password.
set -euo pipefail

packages=(
  # Python virtual environments and building simpleaudio against ALSA
  python3 python3-venv python3-dev gcc libasound2-dev
  # speech: pyttsx3's espeak driver needs libespeak-ng; aplay comes with alsa-utils
  espeak-ng libespeak-ng1 alsa-utils
  # checking rendered audio in tests
  sox
  # translations: xgettext/msgmerge for `./dev i18n`, msgfmt --check in the tests
  gettext
  # the session bus for MPRIS tests (a private dbus-daemon), AppStream validation
  dbus dbus-daemon appstream
  # a real MPRIS player and client for the ducking tests, headless (no audio device needed)
  mpv mpv-mpris playerctl
  # Qt, headless (offscreen) and in a real window under Xvfb
  libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3
  xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1
  fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "walktimer set-up: these system packages are missing and this is not a Debian/Ubuntu system:" >&2
  echo "  ${missing[*]}" >&2
  echo "Install their equivalents with your package manager, then run the command again." >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "walktimer set-up: installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
