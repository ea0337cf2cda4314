#!/usr/bin/env bash
# The unit tier and the end-to-end smoke under the other Node majors users run (22 and 24 unless
# NODE_MAJORS says otherwise), besides the one CI itself runs on. The binaries are the registry's
# node-<platform>-<arch> package (the official builds), the newest of each major, cached in
# node_modules/.cache/other-nodes (gitignored; `npm ci` starts it afresh). Needs a build first:
# the smoke runs bin/run.js. `npm run test:nodes`.
set -euo pipefail
cd "$(dirname "$0")/.."

MAJORS=${NODE_MAJORS:-22 24}
PACKAGE="node-$(node -p 'process.platform + "-" + process.arch')"
CACHE="$PWD/node_modules/.cache/other-nodes"

# `npm view PKG@22 version --json` is a string for one match, an array for several.
newest() {
  npm view "$PACKAGE@$1" version --json |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const all = [].concat(JSON.parse(s))
      const n = (v) => v.split(".").map(Number)
      all.sort((a, b) => n(a)[0] - n(b)[0] || n(a)[1] - n(b)[1] || n(a)[2] - n(b)[2])
      console.log(all.at(-1))
    })'
}

for major in $MAJORS; do
  version=$(newest "$major")
  folder="$CACHE/$version"
  bin="$folder/node_modules/$PACKAGE/bin"
  if [[ ! -x "$bin/node" ]]; then
    echo "installing $PACKAGE@$version"
    npm install --prefix "$folder" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --silent \
      "$PACKAGE@$version"
  fi
  # npm, mocha and bin/run.js all start through `#!/usr/bin/env node`: this Node first on PATH runs them
  export PATH="$bin:$PATH" EXPECT_NODE_MAJOR="$major"
  [[ "$(node --version)" == "v$version" ]] || { echo "node on PATH is $(node --version), not v$version"; exit 1; }
  echo "=== Node $(node --version): unit tier, then the e2e smoke"
  npm run --silent test:unit -- --require scripts/expect-node.cjs
  npm run --silent test:smoke -- --require scripts/expect-node.cjs
  PATH=${PATH#"$bin:"}
done
