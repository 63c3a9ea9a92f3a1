// Command-line options of `renovo train` / `renovo finetune` (kept import-free: args.ts reads them).
/** Options shared by `train` and `finetune` (see COMMAND_OPTIONS in args.ts). */
export const TRAIN_OPTIONS = {
  data: { type: 'string', short: 'd' },
  name: { type: 'string', short: 'n' },
  steps: { type: 'string' },
  batch: { type: 'string', short: 'b' },
  'lr-d': { type: 'string' },
  'lr-g': { type: 'string' },
  'beta1-d': { type: 'string' },
  'beta1-g': { type: 'string' },
  'd-steps': { type: 'string' },
  'g-steps': { type: 'string' },
  'label-smoothing': { type: 'string' },
  seed: { type: 'string', short: 's' },
  crop: { type: 'string' },
  'run-dir': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  threads: { type: 'string' },
} as const;
