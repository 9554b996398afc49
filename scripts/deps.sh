#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Vigil needs, only those that are missing.
#   scripts/deps.sh run    – what building and running needs (ncurses headers)
#   scripts/deps.sh test   – also what the tests need (tmux, extra terminfo)
set -euo pipefail
want=(libncurses-dev)
if [ "${1:-run}" = "test" ]; then
  want+=(tmux ncurses-term)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
