#!/usr/bin/env bash
# scripts/pg-env's exports for the local platform and its volumes directory, in a
# temporary PGVERIFY_ENV_DIR with fake chroots (a directory each): `env` prints each
# major's server binaries and wrapper and the volumes directory once; the volumes
# directory is bind-mounted into a chroot once however often `up` asks, `down`
# unmounts it, and removing an unfinished chroot unmounts it first, so the host's
# volumes are never deleted through it. The mounts are real (root, as CI runs it);
# no server is started.
# Run by ctest (tests/CMakeLists.txt); exit 0 when every case passed.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
pg_env=$root/scripts/pg-env
work=$(mktemp -d)
env_dir=$work/env
failures=0

mounts_below() { awk -v r="$1/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r; }
cleanup() {
  local mnt
  while read -r mnt; do umount "$mnt" 2>/dev/null || umount -l "$mnt" || true; done < <(mounts_below "$work")
  if [[ -n $(mounts_below "$work") ]]; then
    printf 'warning: still mounted under %s; not removing it\n' "$work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

fail() { printf 'not ok - %s\n' "$*"; failures=$((failures + 1)); }
pass() { printf 'ok - %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# Runs pg-env's function(s) in a subshell, as `pg-env` would with this env dir.
# shellcheck source=/dev/null
pg_env_fn() { (PGVERIFY_ENV_DIR=$env_dir; export PGVERIFY_ENV_DIR; source "$pg_env"; "$@"); }
mount_count() { awk -v p="$1" '$2 == p { n++ } END { print n + 0 }' /proc/mounts; }

# ---- env: the exports (no root needed)
mkdir -p "$env_dir/chroots/trixie/usr/sbin" "$env_dir/chroots/sid/usr/sbin"
printf '#!/bin/sh\n' >"$env_dir/chroots/trixie/usr/sbin/runuser"
chmod 755 "$env_dir/chroots/trixie/usr/sbin/runuser"   # sid has none: su instead
out=$(PGVERIFY_ENV_DIR=$env_dir "$pg_env" env 15 16 17 18 2>/dev/null)
expected=$(cat <<EOF
export PG15_SERVER_BIN='/usr/lib/postgresql/15/bin'
export PG15_SERVER_WRAPPER='runuser -u postgres --'
export PG16_SERVER_BIN='$env_dir/builds/pg16/bin'
export PG16_SERVER_WRAPPER='runuser -u postgres --'
export PG17_SERVER_BIN='/usr/lib/postgresql/17/bin'
export PG17_SERVER_WRAPPER='chroot $env_dir/chroots/trixie /usr/sbin/runuser -u postgres --'
export PG18_SERVER_BIN='/usr/lib/postgresql/18/bin'
export PG18_SERVER_WRAPPER='chroot $env_dir/chroots/sid su -s /bin/sh -c '\\''exec "\$0" "\$@"'\\'' -- postgres'
export PGVERIFY_VOLUMES_DIR='$env_dir/volumes'
EOF
)
got=$(grep -E '_SERVER_|VOLUMES' <<<"$out")
if [[ $got == "$expected" ]]; then
  pass "env prints each major's server binaries and wrapper, and the volumes directory once"
else
  fail "env's server and volumes lines: expected"$'\n'"$expected"$'\n'"got"$'\n'"$got"
fi
# The wrappers are shell words: evaluated, they are the command prefix.
words=()
eval "$out"
eval "words=($PG18_SERVER_WRAPPER)"
# shellcheck disable=SC2016  # "$0" "$@" are su's shell's
expected_words=(chroot "$env_dir/chroots/sid" su -s /bin/sh -c 'exec "$0" "$@"' -- postgres)
same_words() { [[ ${#words[@]} -eq ${#expected_words[@]} && ${words[*]} == "${expected_words[*]}" ]]; }
check "a wrapper read as shell words is the command prefix (su's script one word)" same_words
# Plain words unquoted, so that $PG17_SERVER_WRAPPER works unquoted too; a root with a blank quoted.
read -ra plain <<<"$PG17_SERVER_WRAPPER"
check "a wrapper of plain words splits on blanks" test "${plain[1]}" == "$env_dir/chroots/trixie"
mkdir -p "$work/env dir/chroots/trixie/usr/sbin"
cp "$env_dir/chroots/trixie/usr/sbin/runuser" "$work/env dir/chroots/trixie/usr/sbin/"
eval "$(PGVERIFY_ENV_DIR="$work/env dir" "$pg_env" env 17 2>/dev/null)"
eval "words=($PG17_SERVER_WRAPPER)"
check "a chroot whose path needs quoting is one word of the wrapper" test "${words[1]}" == "$work/env dir/chroots/trixie"
check "the DSN and client lines are still there" \
  test "$(grep -c -E '^export PG1[5-8]_(DSN|BIN)=' <<<"$out")" -eq 8

if [[ $(id -u) -ne 0 ]]; then
  fail "the volume mounts need root; run this test as root, as CI does"
  exit 1
fi

# ---- up's mount: once, however often asked; the host directory open to all, sticky
sid=$env_dir/chroots/sid
inside=$sid$env_dir/volumes
pg_env_fn ensure_volumes_mounted "$sid"
pg_env_fn ensure_volumes_mounted "$sid"
check "the volumes directory is bind-mounted into the chroot once, though asked twice" \
  test "$(mount_count "$inside")" -eq 1
check "the host's volumes directory is mode 1777" test "$(stat -c %a "$env_dir/volumes")" == 1777
echo kept >"$env_dir/volumes/keep-me"
check "a file in the host's volumes is seen at the same path inside the chroot" \
  test "$(cat "$inside/keep-me" 2>/dev/null)" == kept
pg_env_fn ensure_volumes_mounted   # a host major: the directory only
check "a host major's up leaves the mounts as they are" test "$(mount_count "$inside")" -eq 1

# ---- down: unmounted with proc
touch "$env_dir/chroots/sid.ready"
status=0
PGVERIFY_ENV_DIR=$env_dir "$pg_env" down 18 >"$work/down.out" 2>&1 || status=$?
check "down exits 0 (nothing running): $(tr '\n' ' ' <"$work/down.out")" test "$status" -eq 0
check "down unmounts the volumes from the chroot" test "$(mount_count "$inside")" -eq 0
check "down leaves the host's volumes alone" test -f "$env_dir/volumes/keep-me"

# ---- an unfinished chroot is removed only after what is mounted in it is unmounted
pg_env_fn ensure_volumes_mounted "$sid"
mkdir -p "$sid/proc"; mount -t proc proc "$sid/proc"
pg_env_fn remove_partial_chroot "$sid" 2>/dev/null
check "remove_partial_chroot removes the chroot" test ! -e "$sid"
check "remove_partial_chroot leaves nothing mounted under it" test -z "$(mounts_below "$sid")"
check "remove_partial_chroot never deletes the host's volumes through the bind mount" \
  test "$(cat "$env_dir/volumes/keep-me" 2>/dev/null)" == kept

[[ $failures -eq 0 ]] || { printf '%d case(s) failed\n' "$failures"; exit 1; }
