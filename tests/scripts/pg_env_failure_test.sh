#!/usr/bin/env bash
# scripts/test, scripts/demo and scripts/fuzz stop with one line when `scripts/pg-env up`
# fails, instead of evaluating what it printed and going on to build; when it succeeds
# they evaluate its exports. A fake pg-env (PGVERIFY_PG_ENV) and fake cmake, ctest,
# clang++ and psql keep it to seconds: nothing is built and no server is touched.
# Run by ctest (tests/CMakeLists.txt); exit 0 when every case passed.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { printf 'not ok - %s\n' "$*"; failures=$((failures + 1)); }
pass() { printf 'ok - %s\n' "$*"; }

# Fake programs leave a trace file named after themselves and fail: a script that
# goes on where it should have stopped is seen, and stopped quickly.
mkdir -p "$work/bin" "$work/pgbin"
for tool in cmake ctest ninja clang++ "pgbin/psql" "pgbin/pg_dump"; do
  case $tool in pgbin/*) path=$work/$tool ;; *) path=$work/bin/$tool ;; esac
  printf '#!/bin/sh\n: >"%s/ran-%s"\nexit 1\n' "$work" "${tool#pgbin/}" >"$path"
  chmod 755 "$path"
done

# The fake pg-env prints export lines as the real one does, one of which leaves a
# trace when evaluated, and exits with FAKE_PG_ENV_STATUS.
fake_pg_env=$work/fake-pg-env
cat >"$fake_pg_env" <<EOF
#!/bin/sh
for major in 15 16 17 18; do
  echo "export PG\${major}_DSN='host=127.0.0.1 port=1 user=postgres dbname=postgres'"
  echo "export PG\${major}_BIN='$work/pgbin'"
done
echo ": >'$work/evaluated'"
exit "\${FAKE_PG_ENV_STATUS:-0}"
EOF
chmod 755 "$fake_pg_env"

# Runs script $1 with the fakes and pg-env exiting $2; sets status, stderr and traces.
status=0 stderr="" traces=""
run_script() {
  local script=$1 pg_env_status=$2 trace
  rm -rf "$work"/ran-* "$work/evaluated" "$work/demo-out" "$work/fuzz"
  status=0
  # The PGNN_* variables of a surrounding scripts/test run would make scripts/test
  # skip pg-env altogether.
  env -u PG15_DSN -u PG15_BIN -u PG16_DSN -u PG16_BIN \
      -u PG17_DSN -u PG17_BIN -u PG18_DSN -u PG18_BIN \
      PATH="$work/bin:$PATH" PGVERIFY_PG_ENV="$fake_pg_env" FAKE_PG_ENV_STATUS="$pg_env_status" \
      PGVERIFY_DEMO_DIR="$work/demo-out" PGVERIFY_FUZZ_DIR="$work/fuzz" \
      timeout 120 "$root/scripts/$script" >"$work/stdout" 2>"$work/stderr" </dev/null || status=$?
  stderr=$(<"$work/stderr")
  traces=""
  for trace in "$work"/ran-* "$work/evaluated"; do
    if [[ -e $trace ]]; then traces+="${trace##*/} "; fi
  done
}

expect_stop() {
  local script=$1 expected_status=$2 expected="$1: error: $fake_pg_env up failed (exit 3)"
  run_script "$script" 3
  if [[ -n $traces ]]; then
    fail "scripts/$script stops when pg-env fails, yet it went on: $traces"
  elif [[ $status -ne $expected_status ]]; then
    fail "scripts/$script exits $expected_status when pg-env fails, not $status; stderr: $stderr"
  elif [[ $stderr != "$expected" ]]; then
    fail "scripts/$script says only '$expected' when pg-env fails; it said: $stderr"
  else
    pass "scripts/$script stops with exit $status and one line when pg-env fails"
  fi
}

# $2: the fake whose trace shows the script used pg-env's exports and went on.
expect_go_on() {
  local script=$1 next=$2
  run_script "$script" 0
  if [[ " $traces " != *" evaluated "* || " $traces " != *" ran-$next "* ]]; then
    fail "scripts/$script evaluates pg-env's exports and goes on to $next; traces: ${traces:-none}; stderr: $stderr"
  else
    pass "scripts/$script evaluates pg-env's exports and goes on to $next"
  fi
}

expect_stop test 1
expect_stop demo 1
expect_stop fuzz 2
expect_go_on test cmake
expect_go_on demo cmake
expect_go_on fuzz psql

[[ $failures -eq 0 ]] || { printf '%d case(s) failed\n' "$failures"; exit 1; }
