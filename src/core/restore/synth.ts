// Moved to test/fixtures/synth.ts; re-exported here only until test/e2e/import-model.test.ts import it from there.
export * from '../../../test/fixtures/synth';
