# Shared set-up steps for scripts/test and scripts/sandbox (sourced, not run).

ensure_uv() {
  if ! command -v uv >/dev/null 2>&1; then
    echo "== installing uv"
    python3 -m pip install --quiet 'uv==0.13.9' || pip install --quiet 'uv==0.13.9'
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    echo "== installing Debian's prometheus (for the tests)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq prometheus >/dev/null
    # The package starts a system service on some machines; the tests start their own.
    as_root systemctl stop prometheus >/dev/null 2>&1 || true
  fi
}

ensure_alertmanager() {
  if ! command -v prometheus-alertmanager >/dev/null 2>&1 || ! command -v amtool >/dev/null 2>&1; then
    echo "== installing Debian's prometheus-alertmanager (for the tests)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq prometheus-alertmanager >/dev/null
    # The package starts a system service on some machines; the tests start their own.
    as_root systemctl stop prometheus-alertmanager >/dev/null 2>&1 || true
  fi
}

ensure_valgrind() {
  if ! command -v valgrind >/dev/null 2>&1 || [ ! -f /usr/include/valgrind/callgrind.h ] || ! command -v gcc >/dev/null 2>&1; then
    echo "== installing Debian's valgrind and gcc (bench/telemetry_instructions.py counts instructions with callgrind)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq valgrind gcc >/dev/null
  fi
}
