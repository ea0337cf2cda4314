#!/usr/bin/env bash
# npm run mutation -- MODULE [TEST_FILE...]: mutation testing of src/lib/MODULE.ts with StrykerJS,
# each mutant judged by the given tests (default: test/lib/MODULE.test.ts). Not in CI: minutes per module.
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?usage: npm run mutation -- MODULE [TEST_FILE...]}
shift
tests="${*:-test/lib/$module.test.ts}"
config="stryker.$module.tmp.json"
# Stryker kills test runs that exceed its timeout, before their exit handlers remove their folders:
# at the end, remove the test folders (/tmp/nexmo-messenger-<pid>-*) of processes that are gone.
stale_test_dirs() {
  for dir in "${TMPDIR:-/tmp}"/nexmo-messenger-*; do
    [ -d "$dir" ] || continue
    pid=${dir##*/nexmo-messenger-}
    pid=${pid%%-*}
    kill -0 "$pid" 2>/dev/null || rm -rf "$dir"
  done
}
trap 'rm -f "$config"; stale_test_dirs' EXIT
node -e '
const [base, module, tests, out] = process.argv.slice(1)
const config = JSON.parse(require("fs").readFileSync(base, "utf8"))
delete config._comment
config.mutate = [`src/lib/${module}.ts`]
config.commandRunner = {command: `npx mocha ${tests}`}
require("fs").writeFileSync(out, JSON.stringify(config))
' stryker.config.json "$module" "$tests" "$config"
npx stryker run "$config"
