// Jest setup (setupFilesAfterEnv): installs the manifest validator so that every object
// any test synthesizes is checked against its schema. Filled in by test/support/validator.ts.
