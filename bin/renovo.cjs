#!/usr/bin/env node
// Entry point of the `renovo` command; the CLI itself is bundled into dist/ by `npm run build`.
require('../dist/cli/index.cjs');
