#!/bin/sh
# Make sure the Debian packages Physio Coach needs are installed.
#   tools/system-packages.sh run    Qt's X/GL libraries and espeak-ng (what `make run` needs)
#   tools/system-packages.sh test   the same plus Xvfb, xdotool, xev/xprop, ImageMagick, sox, poppler,
#                                   desktop-file-validate and tesseract (the end-to-end tests read the
#                                   screen with OCR): what `make test` needs
# As root with apt-get, missing packages are installed. Otherwise the exact command to run is
# printed and we carry on: the libraries may be present by other means.
set -u

RUN_PKGS="libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 \
libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 \
libxcb-xkb1 libdbus-1-3 espeak-ng alsa-utils"
TEST_PKGS="xvfb xauth xdotool x11-utils imagemagick sox poppler-utils desktop-file-utils shared-mime-info pulseaudio tesseract-ocr"

case "${1:-run}" in
  run) want="$RUN_PKGS" ;;
  test) want="$RUN_PKGS $TEST_PKGS" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-packages: not a Debian-like system; make sure these (or your distribution's equivalents) are installed:" >&2
  echo "  $want" >&2
  exit 0
fi

missing=""
for p in $want; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
  case "$status" in
    *"ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    exit 0
  fi
  echo "system-packages: apt-get failed; carrying on in case the libraries are present" >&2
  exit 0
fi

echo "system-packages: these packages are missing; install them with:" >&2
echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
echo "system-packages: carrying on in case the libraries are present by other means" >&2
exit 0
