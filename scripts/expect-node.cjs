// Loaded into a test run by scripts/other-nodes.sh (mocha --require): fails the run at once unless
// it is running under the Node major it was asked for, so a PATH mix-up cannot pass for a result.
const expected = process.env.EXPECT_NODE_MAJOR
const actual = process.versions.node.split('.')[0]
if (expected && actual !== expected) {
  throw new Error(
    `expected to run under Node ${expected}, but this is Node ${process.versions.node} (${process.execPath})`,
  )
}

process.stderr.write(`running under Node ${process.versions.node} (${process.execPath})\n`)
