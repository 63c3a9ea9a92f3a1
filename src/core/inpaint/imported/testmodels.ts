// Moved to test/fixtures/onnx-inpainters.ts; re-exported here only until src/cli/commands/models-import.test.ts, src/core/app/imported-models.test.ts, test/e2e/import-model.test.ts import it from there.
export * from '../../../../test/fixtures/onnx-inpainters';
