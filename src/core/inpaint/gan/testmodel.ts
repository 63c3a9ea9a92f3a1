// Moved to test/fixtures/gan-model.ts; re-exported here only until src/core/app/gan-inpaint.test.ts import it from there.
export * from '../../../../test/fixtures/gan-model';
