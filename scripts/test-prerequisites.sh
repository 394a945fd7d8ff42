#!/usr/bin/env bash
# Runs before `npm test` (package.json "pretest"): makes sure the commands the tests need are
# installed and Redis answers on 127.0.0.1:6379. As root with apt-get (CI), it installs what is
# missing; otherwise it stops with one line that says what to install. Quick when all is there:
# no apt, no network, one line of output.
set -euo pipefail

# What the tests need, one line each: command, Debian package, why. A command a test runs by name
# must be here (test/unit/test-prerequisites.test.ts checks). Package `-`: no Debian package brings
# it (Debian's kubernetes-client is far older than the kustomize the manifests need), so it is named,
# never installed.
requirements='
redis-server  redis-server  Redis tests
redis-cli     redis-server  Redis tests
openssl       openssl       signature, certificate and Redis TLS tests
chromium      chromium      Swagger UI browser test
nginx         nginx         fleet rolling-restart test
script        bsdutils      production-build test: a terminal, for the pretty log transport
promtool      prometheus    alert rule tests
unshare       util-linux    SIGTERM-while-starting test: the service as PID 1 of its own PID namespace
npm           -             client package test: npm pack, and an install in a consumer folder (it comes with Node.js)
kubectl       -             Kubernetes manifest tests, 1.27 or later for its built-in kustomize v5
'

# The integration tests share the Redis on this port (test/helpers/redis-server.ts).
redis_port=6379

have () {
  local cmd=$1
  # The browser test launches this exact file, not whichever chromium is first on the PATH.
  if [ "$cmd" = chromium ]; then cmd=${CHROMIUM_PATH:-/usr/bin/chromium}; fi
  command -v "$cmd" >/dev/null
}

# Sets packages (each once) and needs ("package (why)") for the commands not installed, and
# unpackaged ("command (why)") for those apt cannot bring.
find_missing () {
  local cmd pkg why
  packages=() needs=() unpackaged=()
  while read -r cmd pkg why; do
    if [ -z "$cmd" ] || have "$cmd" || [[ " ${packages[*]} " == *" $pkg "* ]]; then continue; fi
    if [ "$pkg" = - ]; then unpackaged+=("$cmd ($why)"); continue; fi
    packages+=("$pkg")
    needs+=("$pkg ($why)")
  done <<<"$requirements"
}

find_missing
if [ ${#packages[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing what the tests need: ${packages[*]}"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"; } \
    || { echo "apt-get could not install: ${packages[*]}" >&2; exit 1; }
  find_missing
  installed=yes
fi
missing=${#packages[@]}
if [ ${#unpackaged[@]} -gt 0 ]; then
  printf -v list '%s, ' "${unpackaged[@]}"
  echo "npm test needs: ${list%, }, which no Debian package provides: install it from its project and put it on the PATH." >&2
  missing=$((missing + 1))
fi
if [ ${#packages[@]} -gt 0 ]; then
  printf -v list '%s, ' "${needs[@]}"
  if [ -n "${installed:-}" ]; then
    echo "npm test needs: ${list%, }, still missing after apt-get install." >&2
  else
    sudo='sudo '; if [ "$(id -u)" = 0 ]; then sudo=; fi
    them=them; if [ ${#packages[@]} = 1 ]; then them=it; fi
    echo "npm test needs: ${list%, }. Install $them: ${sudo}apt-get install -y ${packages[*]}" >&2
  fi
fi
if [ "$missing" -gt 0 ]; then exit 1; fi

redis_up () { [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ]; }
started=
if ! redis_up; then
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null 2>&1 || true
  for _ in {1..20}; do   # up to ~10 s
    if redis_up; then break; fi
    sleep 0.5
  done
  if ! redis_up; then
    echo "npm test needs Redis on 127.0.0.1:$redis_port: it does not answer, and redis-server could not start there within 10 s." >&2
    exit 1
  fi
  started=", started redis-server on 127.0.0.1:$redis_port"
fi
echo "Test prerequisites present$started."
