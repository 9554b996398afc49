#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Vigil needs, only those that are missing.
#   scripts/deps.sh run    – what building and running needs (ncurses headers)
#   scripts/deps.sh test   – also what the tests need (tmux, GNU screen, extra terminfo, and the
#                            real Prometheus and Alertmanager the source tests start on loopback)
set -euo pipefail
want=(libncurses-dev)
if [ "${1:-run}" = "test" ]; then
  want+=(tmux screen ncurses-term prometheus prometheus-alertmanager python3 python3-venv)
  # Installing the servers must not start their system services on the default ports.
  if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  fi
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-run}" = "test" ]; then
  # The PagerDuty and GitHub test servers validate every request against the services' OpenAPI
  # documents with openapi-core (PyPI); the AWS sources are tested against moto (PyPI), the AWS
  # emulator, run as moto_server. Both in a virtual environment of their own under .build/.
  venv="$(cd "$(dirname "$0")/.." && pwd)/.build/test-python"
  if ! "$venv/bin/python3" -c "import openapi_core" 2>/dev/null; then
    echo "Creating $venv with openapi-core" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'openapi-core==0.23.1'
  fi
  if ! "$venv/bin/python3" -c "import moto, flask, flask_cors" 2>/dev/null; then
    echo "Adding moto to $venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check 'moto==5.2.5' flask flask-cors
  fi
fi
