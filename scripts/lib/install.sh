# Shared by scripts/start and scripts/test: install what is missing, nothing more.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ELECTRON_SKIP_BINARY_DOWNLOAD=1   # the Electron binary cannot be downloaded here; types and tests do not need it
export npm_config_nodedir="${npm_config_nodedir:-/usr}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

retry() { # retry N CMD… : downloads fail now and then
  local n=$1 i=1; shift
  until "$@"; do
    if (( i >= n )); then return 1; fi
    say "retry $i/$n: $*"; sleep $(( i * 5 )); i=$(( i + 1 ))
  done
}

packages_from() { grep -vE '^\s*(#|$)' "$1" | awk '{print $1}'; }

install_debian_packages() { # install_debian_packages LIST_FILE…
  local missing=() p
  for list in "$@"; do
    while read -r p; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done < <(packages_from "$list")
  done
  if (( ${#missing[@]} == 0 )); then say "Debian packages: all present"; return 0; fi
  say "Debian packages to install: ${missing[*]}"
  local sudo=()
  if (( EUID != 0 )); then
    if command -v sudo >/dev/null; then sudo=(sudo); else echo "run as root or install: ${missing[*]}" >&2; return 1; fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  retry 3 "${sudo[@]}" apt-get update -qq
  retry 3 "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_node_modules() {
  cd "$ROOT"
  local want have=''
  want="$(sha256sum package-lock.json | cut -d' ' -f1)-$(node -p process.versions.modules)"
  [[ -f node_modules/.sohoa-installed ]] && have="$(cat node_modules/.sohoa-installed)"
  if [[ "$want" == "$have" ]]; then say "node_modules: up to date"; return 0; fi
  say "npm ci (builds better-sqlite3 and pkcs11js from source: 2–3 minutes)"
  retry 3 npm ci --no-audit --no-fund
  echo "$want" > node_modules/.sohoa-installed
}

build_renderer() {
  cd "$ROOT"
  say "building the UI (vite)"
  npx vite build --config renderer/vite.config.ts --logLevel warn
}

build_cli() {
  # The prebuilt `sohoa` bundle (starts in ~0.1 s instead of ~1.5 s through tsx); bin/sohoa.mjs falls back to
  # the sources whenever one of them changed after this build. npm does not link a package's own bin, so
  # node_modules/.bin/sohoa is linked here for scripts that call it by path.
  cd "$ROOT"
  say "building the sohoa command (esbuild)"
  node bin/run-ts.mjs scripts/build-cli.ts >/dev/null
  ln -sf ../../bin/sohoa.mjs node_modules/.bin/sohoa
}

install_all() {
  install_debian_packages "$ROOT/scripts/debian-packages.txt"
  install_node_modules
  build_renderer
  build_cli
}
