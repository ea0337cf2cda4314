// Loaded by mocha before any test (.mocharc.json "require"). NODE_ENV=test makes oclif load the
// commands' TypeScript sources (through tsx) instead of dist/, so the unit tier tests and measures
// the code as written; the CLI run as a child process by the other tiers never sees it.
process.env.NODE_ENV = 'test'
