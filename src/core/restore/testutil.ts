// Moved to test/fixtures/restore.ts; re-exported here only until src/core/app/batch-training.test.ts, src/core/app/imported-models.test.ts, test/e2e/batch.test.ts, test/e2e/import-model.test.ts, test/integration/restore-cli.test.ts import it from there.
export * from '../../../test/fixtures/restore';
