#!/usr/bin/env bash
# scripts/new-check on a copy of what it edits (checks/, tests/checks/, README.md):
# it refuses bad, taken and new-area ids and existing files with one line,
# changing nothing; it adds demo.example-thing to the declarations and the
# registry in id order; the check it writes compiles against the real headers,
# links with BUILD_DIR's libraries into a small test binary, and its two test
# cases run and fail with their FAIL messages, while the registry tests see the
# new check sorted, paired and still TODO. With a fake cmake and pgverify it
# builds and rewrites the README's check list. Nothing of the project is rebuilt.
#   bash tests/scripts/new_check_test.sh BUILD_DIR
# Run by ctest (tests/CMakeLists.txt); exit 0 when every case passed.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: new_check_test.sh BUILD_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { printf 'not ok - %s\n' "$*"; failures=$((failures + 1)); }
pass() { printf 'ok - %s\n' "$*"; }

copy_tree() {
  mkdir -p "$1/scripts" "$1/tests"
  cp "$root/scripts/new-check" "$1/scripts/"
  cp -r "$root/checks" "$1/checks"
  cp -r "$root/tests/checks" "$1/tests/checks"
  cp "$root/README.md" "$1/"
}
tree=$work/tree pristine=$work/pristine
copy_tree "$tree"
copy_tree "$pristine"

status=0 stderr=""
new_check() {
  status=0
  "$tree/scripts/new-check" --root "$tree" "$@" >"$work/stdout" 2>"$work/stderr" </dev/null || status=$?
  stderr=$(<"$work/stderr")
}

# $1: what is refused; $2: what the line says; the rest: new-check's arguments.
expect_refusal() {
  local what=$1 needle=$2 changed
  shift 2
  new_check "$@"
  changed=$(diff -rq "$pristine" "$tree" || true)
  if [[ $status -ne 1 ]]; then
    fail "new-check refuses $what with exit 1, not $status; stderr: $stderr"
  elif [[ $(wc -l <"$work/stderr") -ne 1 || $stderr != "new-check: error: "*"$needle"* ]]; then
    fail "new-check refuses $what in one line saying '$needle'; it said: $stderr"
  elif [[ -n $changed ]]; then
    fail "new-check changes nothing when it refuses $what; it changed: $changed"
  else
    pass "new-check refuses $what in one line, changing nothing"
  fi
}

for bad in Demo.thing demo demo.thing_two demo..thing demo.-thing demo.thing- a.b.c 1demo.thing "demo.some thing"; do
  expect_refusal "the id '$bad'" "is not AREA.NAME" --new-area --no-build "$bad"
done
expect_refusal "a taken id" "the id data.row-counts is taken (checks/data_row_counts.cpp)" --no-build data.row-counts
expect_refusal "another id with a taken class name" "the class name DataRowCounts of data-row.counts is taken" \
  --new-area --no-build data-row.counts
expect_refusal "an area no check has without --new-area" "no check has the area 'demo' yet" \
  --no-build demo.example-thing
for existing in checks/version_new_thing.cpp checks/version_new_thing.hpp tests/checks/version_new_thing_test.cpp; do
  echo "// someone's work" >"$tree/$existing"
  cp "$tree/$existing" "$pristine/$existing"
  expect_refusal "to overwrite $existing" "$existing already exists" --no-build version.new-thing
  rm "$tree/$existing" "$pristine/$existing"
done

# The check itself.
new_check --new-area --no-build demo.example-thing
changed=$(diff -rq "$pristine" "$tree" | sed "s|$tree/||; s|$pristine/||" | sort || true)
expected_changes="Files checks/checks.hpp and checks/checks.hpp differ
Files checks/registry.cpp and checks/registry.cpp differ
Only in checks: demo_example_thing.cpp
Only in tests/checks: demo_example_thing_test.cpp"
if [[ $status -ne 0 ]]; then
  fail "new-check demo.example-thing exits 0, not $status; stderr: $stderr"
elif [[ $changed != "$expected_changes" ]]; then
  fail "new-check writes the pair and the test and edits checks.hpp and registry.cpp, and only those; changed: $changed"
else
  pass "new-check writes the check, its test, its declaration and its registry entry, and no more"
fi
# In id order: data.table-hashes < demo.example-thing < driver.asyncpg, dump.matches-source (own headers) < dump.readable.
if grep -A1 -x 'PGVERIFY_CHECK(DataTableHashes);' "$tree/checks/checks.hpp" | tail -1 |
     grep -qx 'PGVERIFY_CHECK(DemoExampleThing);' &&
   grep -A1 -x 'PGVERIFY_CHECK(DemoExampleThing);' "$tree/checks/checks.hpp" | tail -1 |
     grep -qx 'PGVERIFY_CHECK(DumpReadable);' &&
   grep -A2 'make_unique<checks::DataTableHashes>' "$tree/checks/registry.cpp" | sed 's/^ *//' | tr '\n' ' ' |
     grep -qx 'checks.push_back(std::make_unique<checks::DataTableHashes>()); checks.push_back(std::make_unique<checks::DemoExampleThing>()); checks.push_back(std::make_unique<checks::DriverAsyncpg>()); '; then
  pass "the declaration and the registry entry stand in id order"
else
  fail "the declaration and the registry entry stand in id order: $(grep -n 'DemoExampleThing' "$tree/checks/checks.hpp" "$tree/checks/registry.cpp")"
fi
cp -r "$tree/checks" "$tree/tests" "$pristine/"  # what is refused from here on changes nothing of this
expect_refusal "the id it just added" "the id demo.example-thing is taken (checks/demo_example_thing.cpp)" \
  --new-area --no-build demo.example-thing

# Compile what it wrote with the build's own flags (compile_commands.json) against
# the real headers, the copy first, and link it with the build's libraries.
bin=$work/demo_tests
if ! python3 - "$build" "$root" "$tree" "$work" >"$work/commands" 2>"$work/prepare.err" <<'EOF'
import json, pathlib, re, shlex, sys
build, root, tree, work = (pathlib.Path(a) for a in sys.argv[1:])
entries = {pathlib.Path(e["file"]).resolve(): e for e in json.loads((build / "compile_commands.json").read_text())}

def flags_of(source):
    """The compiler and flags of `source`'s entry, without its -o/-c and dependency-file options."""
    entry = entries[(root / source).resolve()]
    words = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    out, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in ("-o", "-c", "-MF", "-MT", "-MQ"):
            skip = True
        elif word not in ("-MD", "-MMD"):
            out.append(word)
    return out, entry

def object_of(source):
    entry = entries[(root / source).resolve()]
    words = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    return pathlib.Path(entry["directory"]) / words[words.index("-o") + 1]

objects = []
def compile_(source, like, extra=()):
    words, _ = flags_of(like)
    target = work / (pathlib.Path(source).name + ".o")
    first = ["-I" + str(tree)] + (["-I" + str(tree / "tests")] if source.startswith("tests/") else [])
    print(shlex.join(words[:1] + first + words[1:] + list(extra) + ["-o", str(target), "-c", str(tree / source)]))
    objects.append(str(target))

compile_("checks/demo_example_thing.cpp", "checks/version_psql.cpp")
compile_("checks/registry.cpp", "checks/registry.cpp")
compile_("tests/checks/demo_example_thing_test.cpp", "tests/checks/version_psql_test.cpp")
compile_("tests/checks/registry_test.cpp", "tests/checks/registry_test.cpp",
         ["-UPGVERIFY_SOURCE_DIR", f'-DPGVERIFY_SOURCE_DIR="{tree}"'])
# Catch2's main and the fakes as the build compiled them (compiled here when it has not).
for source in ("tests/main.cpp", "tests/support/fakes.cpp"):
    built = object_of(source)
    if built.is_file():
        objects.append(str(built))
    else:
        words, _ = flags_of(source)
        target = work / (pathlib.Path(source).name + ".o")
        print(shlex.join(words + ["-o", str(target), "-c", str(root / source)]))
        objects.append(str(target))

# The test binary's link line: Ninja's build.ninja, or a Makefile build's link.txt.
ninja = build / "build.ninja"
link_txt = build / "tests/CMakeFiles/pgverify_tests.dir/link.txt"
compiler = flags_of("tests/main.cpp")[0][0]
if ninja.is_file():
    text = ninja.read_text()
    block = re.search(r"^build tests/pgverify_tests: .*\n((?:  .*\n)+)", text, re.MULTILINE)
    if not block:
        sys.exit("no link of tests/pgverify_tests in build.ninja")
    variables = dict(re.findall(r"^  (\w+) = (.*)$", block.group(1), re.MULTILINE))
    link = ([compiler] + shlex.split(variables.get("FLAGS", "")) + shlex.split(variables.get("LINK_FLAGS", ""))
            + objects + ["-o", str(work / "demo_tests")] + shlex.split(variables.get("LINK_PATH", ""))
            + shlex.split(variables.get("LINK_LIBRARIES", "")))
elif link_txt.is_file():
    words = shlex.split(link_txt.read_text())
    at = words.index("-o")
    before = [w for w in words[:at] if not w.endswith(".o")]
    link = before + objects + ["-o", str(work / "demo_tests")] + words[at + 2:]
else:
    sys.exit("neither build.ninja nor the test binary's link.txt: is the build configured?")
print("LINK cd " + shlex.quote(str(build)) + " && " + shlex.join(link))
EOF
then
  fail "the build's flags and link line can be read from $build: $(<"$work/prepare.err")"
else
  pids=()
  i=0
  while IFS= read -r command; do
    [[ $command == LINK* ]] && continue
    bash -c "$command" >"$work/compile$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done <"$work/commands"
  compiled=1
  for pid in "${pids[@]}"; do wait "$pid" || compiled=0; done
  if [[ $compiled -ne 1 ]]; then
    fail "the generated check and its test compile: $(cat "$work"/compile*.log)"
  elif ! bash -c "$(grep '^LINK ' "$work/commands" | cut -c6-)" >"$work/link.log" 2>&1; then
    fail "the generated check and its test link with the build's libraries: $(<"$work/link.log")"
  else
    pass "the generated check and its test compile and link with the build's libraries"
    run_status=0
    "$bin" "[demo.example-thing]" >"$work/run.out" 2>&1 || run_status=$?
    out=$(<"$work/run.out")
    if [[ $run_status -eq 0 ]]; then
      fail "the generated test cases fail until written; they passed: $out"
    elif [[ $out != *"demo.example-thing: write the input that must fail"* ||
            $out != *"demo.example-thing: write the input that must pass"* ||
            $out != *"test cases: 2 | 2 failed"* ]]; then
      fail "both generated test cases run and fail with their FAIL messages: $out"
    else
      pass "both generated test cases run and fail with their FAIL messages"
    fi
    run_status=0
    "$bin" '[registry]~"*README*"~"*TODO*"' >"$work/run.out" 2>&1 || run_status=$?
    if [[ $run_status -ne 0 || $(<"$work/run.out") != *"All tests passed ("*" assertions in 2 test cases)"* ]]; then
      fail "the registry with the new check is sorted and unique and its file pair is there: $(<"$work/run.out")"
    else
      pass "the registry with the new check is sorted and unique and its file pair is there"
    fi
    run_status=0
    "$bin" '[registry]"*TODO*"' >"$work/run.out" 2>&1 || run_status=$?
    if [[ $run_status -eq 0 || $(<"$work/run.out") != *"demo.example-thing's summary is still TODO"* ]]; then
      fail "the registry test rejects the new check's TODO texts: $(<"$work/run.out")"
    else
      pass "the registry test rejects the new check's TODO texts"
    fi
  fi
fi

# Building and the README, with a fake cmake and a fake pgverify: the table
# under "## Checks" becomes what `pgverify checks --markdown` prints.
tree=$work/tree2
copy_tree "$tree"
mkdir -p "$work/bin" "$work/fakebuild"
printf '#!/bin/sh\necho "$*" >>"%s/cmake-args"\nexit "${FAKE_CMAKE_STATUS:-0}"\n' "$work" >"$work/bin/cmake"
printf '#!/bin/sh\n[ "$*" = "checks --markdown" ] || exit 9\nprintf "| id | phase | what |\\n|---|---|---|\\n| \\`fake.check\\` | pre | faked |\\n"\n' \
  >"$work/fakebuild/pgverify"
chmod 755 "$work/bin/cmake" "$work/fakebuild/pgverify"
PATH="$work/bin:$PATH" new_check --new-area --build-dir "$work/fakebuild" demo.example-thing
readme_diff=$(diff "$root/README.md" "$tree/README.md" | grep '^[<>]' || true)
old_rows=$(awk '/^## Checks$/ {in_checks = 1; next} in_checks && /^\|/ {n++} in_checks && n && !/^\|/ {exit} END {print n}' "$root/README.md")
if [[ $status -ne 0 ]]; then
  fail "new-check builds pgverify and rewrites the README; exit $status: $stderr"
elif [[ $(<"$work/cmake-args") != "--build $work/fakebuild --target pgverify" ]]; then
  fail "new-check builds the pgverify target in the build directory; cmake got: $(<"$work/cmake-args")"
elif [[ $(grep -c '^<' <<<"$readme_diff") -ne $old_rows || $(grep -c '^>' <<<"$readme_diff") -ne 3 ||
        $readme_diff != *'> | `fake.check` | pre | faked |'* ]]; then
  fail "new-check replaces the README's check list, and nothing else, with pgverify checks --markdown: $readme_diff"
else
  pass "new-check builds pgverify and replaces the README's check list with its checks --markdown"
fi
rm -f "$work/cmake-args"
FAKE_CMAKE_STATUS=1 PATH="$work/bin:$PATH" new_check --readme --build-dir "$work/fakebuild"
if [[ $status -ne 1 || $(wc -l <"$work/stderr") -ne 1 || $stderr != *"building pgverify in $work/fakebuild failed"*"--readme"* ]]; then
  fail "new-check --readme says in one line that the build failed; exit $status: $stderr"
else
  pass "new-check --readme says in one line that the build failed"
fi

[[ $failures -eq 0 ]] || { printf '%d case(s) failed\n' "$failures"; exit 1; }
