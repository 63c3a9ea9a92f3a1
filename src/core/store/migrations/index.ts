// The ordered list of schema migrations. A migration's version is its position (1-based) and is
// stored in PRAGMA user_version once applied. Never edit or reorder a shipped migration: append.
import { sql as photos } from './001_photos';
import { sql as edits } from './002_edits';
import { sql as modelVersions } from './003_model_versions';
import { sql as trainingRuns } from './004_training_runs';
import { sql as batches } from './005_batches';
import { sql as trainingRunOwner } from './006_training_run_owner';
import { sql as batchOutputSize } from './007_batch_output_size';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'photos', sql: photos },
  { version: 2, name: 'edits', sql: edits },
  { version: 3, name: 'model_versions', sql: modelVersions },
  { version: 4, name: 'training_runs', sql: trainingRuns },
  { version: 5, name: 'batches', sql: batches },
  { version: 6, name: 'training_run_owner', sql: trainingRunOwner },
  { version: 7, name: 'batch_output_size', sql: batchOutputSize },
];

export const LATEST_VERSION = migrations.length;
