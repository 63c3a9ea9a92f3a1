// Child process for the kill/resume test: runs one batch and reports progress on stdout.
// argv: inputDir outputDir dbPath workers workerScript
import { openStore } from '../../store';
import { runBatch } from '../batch';

async function main(): Promise<void> {
  const [inputDir, outputDir, db, workers, workerScript] = process.argv.slice(2);
  const store = openStore(db);
  try {
    const summary = await runBatch({
      inputDir,
      outputDir,
      store,
      workers: Number(workers),
      workerScript: workerScript || '',
      options: { sensitivity: 0.5, suffix: '_restored' },
      onItem: (e) => process.stdout.write(`ITEM ${e.status} ${JSON.stringify(e.relPath)}\n`),
    });
    process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
  } finally {
    store.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
