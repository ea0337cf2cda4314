// Mocha's spec reporter plus one plain closing line ("N passed, N failed, N skipped") that any
// CI log reader understands.
const {reporters} = require('mocha')

class SpecWithSummary extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    runner.once('end', () => {
      const {failures, passes, pending} = runner.stats
      process.stdout.write(`${passes} passed, ${failures} failed, ${pending} skipped\n`)
    })
  }
}

module.exports = SpecWithSummary
