#!/usr/bin/env bash
# Which Debian mirror and proxy scripts/pg-env builds its chroots from: the host's own
# bookworm main archive from fake apt sources (deb822 and one-line, security archives
# and other repositories listed first), PGVERIFY_DEBIAN_MIRROR over them, debootstrap's
# default when there is none; http_proxy, else apt's Acquire::http::Proxy. The last
# cases run `pg-env up 17` against a fake debootstrap in a temporary PGVERIFY_ENV_DIR,
# to see the arguments it really gets (root, as pg-env up needs; no chroot is built).
# Run by ctest (tests/CMakeLists.txt); exit 0 when every case passed.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
pg_env=$root/scripts/pg-env
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { printf 'not ok - %s\n' "$*"; failures=$((failures + 1)); }
pass() { printf 'ok - %s\n' "$*"; }

# The host's apt configuration stays out: no proxy unless a case sets one.
mkdir -p "$work/apt-parts"
printf 'Dir::Etc::Parts "%s";\nDir::Etc::main "/dev/null";\n' "$work/apt-parts" >"$work/apt.conf"
printf '%s\nAcquire::http::Proxy "http://apt-proxy.example:3142/";\n' "$(<"$work/apt.conf")" \
  >"$work/apt-proxy.conf"
printf '%s\nAcquire::http::Proxy "DIRECT";\n' "$(<"$work/apt.conf")" >"$work/apt-direct.conf"

# Runs `pg-env mirror` with the apt sources below $1 and the rest of the arguments as
# environment assignments; compares its output with $expected_mirror and $expected_proxy.
expect_mirror() {
  local what=$1 sources_root=$2 out status=0 expected
  shift 2
  out=$(env -u PGVERIFY_DEBIAN_MIRROR -u http_proxy APT_CONFIG="$work/apt.conf" \
          PGVERIFY_APT_SOURCES_ROOT="$sources_root" "$@" "$pg_env" mirror 2>&1) || status=$?
  expected=$(printf 'mirror: %s\nproxy: %s' "$expected_mirror" "$expected_proxy")
  if [[ $status -ne 0 || $out != "$expected" ]]; then
    fail "$what: expected (exit 0)"$'\n'"$expected"$'\n'"got (exit $status)"$'\n'"$out"
  else
    pass "$what"
  fi
}
no_proxy_line="none (neither http_proxy nor apt's Acquire::http::Proxy is set)"

# deb822: the security archive first, then stanzas that are not the archive (another
# suite, deb-src only, disabled, another repository, no main), then the archive with
# a security URI before the real one; field names in any case, a continued URIs field.
mkdir -p "$work/deb822/etc/apt/sources.list.d"
cat >"$work/deb822/etc/apt/sources.list.d/debian.sources" <<'EOF'
# The security archive comes first on many hosts.
Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://updates.example/debian
Suites: bookworm-updates
Components: main

Types: deb-src
URIs: http://source.example/debian
Suites: bookworm
Components: main

Enabled: no
Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main

Types: deb
URIs: http://contrib-only.example/debian
Suites: bookworm
Components: contrib non-free

types: deb deb-src
uris: http://security.example/debian-security
  http://mirror.example/debian/
  http://second.example/debian
suites: bookworm bookworm-updates
components: main contrib
signed-by: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
expected_mirror="http://mirror.example/debian ($work/deb822/etc/apt/sources.list.d/debian.sources)"
expected_proxy=$no_proxy_line
expect_mirror "deb822: the first archive URI of the bookworm main stanza" "$work/deb822"

# One-line sources.list: comments, deb-src, the security archive, another repository,
# then the archive with [options].
mkdir -p "$work/one-line/etc/apt"
cat >"$work/one-line/etc/apt/sources.list" <<'EOF'
# deb http://commented.example/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main
deb http://security.example/debian bookworm main
deb-src http://source.example/debian bookworm main
deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main
deb http://contrib-only.example/debian bookworm contrib
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian/ bookworm main contrib # the archive
deb http://second.example/debian bookworm main
EOF
expected_mirror="http://mirror.example/debian ($work/one-line/etc/apt/sources.list)"
expect_mirror "one-line: the first bookworm main archive entry" "$work/one-line"

# apt's order: sources.list, then sources.list.d by name; names apt ignores are skipped.
mkdir -p "$work/order/etc/apt/sources.list.d"
echo 'deb http://deb.debian.org/debian-security bookworm-security main' >"$work/order/etc/apt/sources.list"
echo 'deb http://ignored.example/debian bookworm main' >"$work/order/etc/apt/sources.list.d/0.list.disabled"
printf 'Types: deb\nURIs: http://a.example/debian\nSuites: bookworm\nComponents: main\n' \
  >"$work/order/etc/apt/sources.list.d/a.sources"
echo 'deb http://b.example/debian bookworm main' >"$work/order/etc/apt/sources.list.d/b.list"
expected_mirror="http://a.example/debian ($work/order/etc/apt/sources.list.d/a.sources)"
expect_mirror "the files in apt's order" "$work/order"

# Only a security archive and other repositories, or no sources at all: no mirror
# argument, debootstrap's default.
mkdir -p "$work/security-only/etc/apt"
echo 'deb http://deb.debian.org/debian-security bookworm-security main' \
  >"$work/security-only/etc/apt/sources.list"
expected_mirror="debootstrap's default (no Debian bookworm main archive in the apt sources below $work/security-only)"
expect_mirror "no archive but the security one: debootstrap's default" "$work/security-only"
mkdir -p "$work/empty"
expected_mirror="debootstrap's default (no Debian bookworm main archive in the apt sources below $work/empty)"
expect_mirror "no apt sources: debootstrap's default" "$work/empty"

expected_mirror="http://override.example/debian (PGVERIFY_DEBIAN_MIRROR)"
expect_mirror "PGVERIFY_DEBIAN_MIRROR over the host's sources" "$work/deb822" \
  PGVERIFY_DEBIAN_MIRROR=http://override.example/debian

# Proxies.
expected_mirror="debootstrap's default (no Debian bookworm main archive in the apt sources below $work/empty)"
expected_proxy="http://apt-proxy.example:3142/ (apt's Acquire::http::Proxy)"
expect_mirror "apt's Acquire::http::Proxy" "$work/empty" APT_CONFIG="$work/apt-proxy.conf"
expected_proxy="http://env-proxy.example:3128 (http_proxy)"
expect_mirror "http_proxy over apt's proxy" "$work/empty" APT_CONFIG="$work/apt-proxy.conf" \
  http_proxy=http://env-proxy.example:3128
expected_proxy=$no_proxy_line
expect_mirror "apt's DIRECT is no proxy" "$work/empty" APT_CONFIG="$work/apt-direct.conf"

# What debootstrap gets: a fake records its arguments and http_proxy, then fails, so
# that pg-env stops before anything else (PGVERIFY_ENV_DIR is a temporary directory).
mkdir -p "$work/bin"
cat >"$work/bin/debootstrap" <<EOF
#!/bin/sh
printf '%s\n' "\$@" "http_proxy=\${http_proxy:-}" >"$work/debootstrap-call"
exit 1
EOF
chmod 755 "$work/bin/debootstrap"
expect_debootstrap() {
  local what=$1 sources_root=$2 expected=$3 got status=0
  shift 3
  rm -rf "$work/env" "$work/debootstrap-call"
  env -u PGVERIFY_DEBIAN_MIRROR -u http_proxy PATH="$work/bin:$PATH" APT_CONFIG="$work/apt.conf" \
    PGVERIFY_ENV_DIR="$work/env" PGVERIFY_APT_SOURCES_ROOT="$sources_root" "$@" \
    "$pg_env" up 17 >"$work/up.out" 2>&1 </dev/null || status=$?
  got=$(cat "$work/debootstrap-call" 2>/dev/null || true)
  if [[ $status -eq 0 || $got != "$expected" ]]; then
    fail "$what: expected debootstrap called with"$'\n'"$expected"$'\n'"got"$'\n'"${got:-(no call)}"$'\n'"pg-env said (exit $status): $(<"$work/up.out")"
  else
    pass "$what"
  fi
}
if [[ $(id -u) -ne 0 ]]; then
  fail "pg-env up needs root to reach debootstrap; run this test as root, as CI does"
else
  chroot_dir=$work/env/chroots/trixie
  expect_debootstrap "debootstrap gets no mirror argument when the host names no archive" \
    "$work/empty" "$(printf '%s\n' --variant=minbase trixie "$chroot_dir" http_proxy=)"
  expect_debootstrap "debootstrap gets the host's archive and apt's proxy" \
    "$work/deb822" "$(printf '%s\n' --variant=minbase trixie "$chroot_dir" \
      http://mirror.example/debian http_proxy=http://apt-proxy.example:3142/)" \
    APT_CONFIG="$work/apt-proxy.conf"
fi

[[ $failures -eq 0 ]] || { printf '%d case(s) failed\n' "$failures"; exit 1; }
