// Renovo's layer rules, checked by dependency-cruiser on every `npm test`
// (test/integration/layers.test.ts; by hand: `npx depcruise src bench`).
//
//   renderer, preload  → shared only (the renderer talks to core through RenovoApi, never imports it)
//   shared             → nothing of src (zod is its one package; no Node built-ins: it also runs in the page)
//   core/jobs, core/parallel, core/platform (generic layers) → each other only, no engine, no app
//   core               → no adapter (cli, server, main, preload, renderer) and no Electron
//   cli, server, main  → core only through its door, src/core/app/index.ts (plus shared); main
//                        may also use the light door src/core/app/paths.ts (path facts only), so
//                        the Electron main process does not bundle and load the engines
//   src/cli/index.ts   → the `renovo` binary's composition root: wires the CLI (src/cli/main.ts)
//                        to the web bridge (src/server) that `renovo serve` starts. cli and server
//                        are sibling adapters over core/app, so neither imports the other; the CLI
//                        receives the server's starter through main(argv, { startServer }).
//   src (except *.test.ts) → no test or benchmark code (test/, test/fixtures, bench/, *.test.ts)
//   no import cycle that crosses a layer (a src/<layer>/ or src/core/<layer>/ folder)
//
// Type-only imports count (tsPreCompilationDeps): a layer that may not import another may not
// borrow its types either.
//
// Imports in files other engineers were changing when these rules came in, and which break one,
// are listed one by one (file -> target) in KNOWN_VIOLATIONS below: for those imports alone the
// rule is a warning until the file's owner fixes them. Never widen an entry to a folder.

const TEST = '\\.test\\.ts$';
const GENERIC = '^src/core/(jobs|parallel|platform)/';
const ADAPTERS = '^src/(cli|server|main|preload|renderer)/';
const CORE_DOOR = '^src/core/app/index\\.ts$';
const CORE_LIGHT_DOOR = '^src/core/app/paths\\.ts$';
const NPM = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'];

// Rule name -> the exact imports (file -> resolved target) that break it today and are a warning
// until the file's owner fixes them. Each entry is one import; everything else stays an error,
// including any new import in the same file.
const KNOWN_VIOLATIONS = {};

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (paths) => `^(?:${paths.map(escape).join('|')})$`;
const withoutPathNot = ({ pathNot, ...to }) => to;
const list = (x) => (x === undefined ? [] : [x].flat());

/** A rule as an error, except for its KNOWN_VIOLATIONS imports, which are a warning. The known
 *  files keep the rule as an error for every other target; `from.path` keeps its capture groups
 *  (the file is picked by a lookahead) so group placeholders like $1 still mean the same. */
function rule(r) {
  const known = KNOWN_VIOLATIONS[r.name] ?? [];
  if (known.length === 0) return [{ severity: 'error', ...r }];
  const rules = [{ severity: 'error', ...r, from: { ...r.from, pathNot: [...list(r.from.pathNot), anyOf(known.map((k) => k.from))] } }];
  for (const file of new Set(known.map((k) => k.from))) {
    const targets = known.filter((k) => k.from === file).map((k) => k.to);
    const from = { path: `^(?=${escape(file)}$)${r.from.path.replace(/^\^/, '')}` };
    rules.push({ severity: 'error', ...r, from, to: { ...r.to, pathNot: [...list(r.to.pathNot), anyOf(targets)] } });
    rules.push({
      ...r,
      name: `${r.name}-known`,
      severity: 'warn',
      comment: `${r.comment} A known violation: the file's owner is to fix it.`,
      from,
      to: { ...withoutPathNot(r.to), path: anyOf(targets) },
    });
  }
  return rules;
}

module.exports = {
  forbidden: [
    ...rule({
      name: 'renderer-only-shared',
      comment: 'The renderer (and the preload that exposes RenovoApi to it) may import src/shared only.',
      from: { path: '^src/(renderer|preload)/' },
      to: { path: '^src/', pathNot: '^src/(renderer|preload|shared)/' },
    }),
    ...rule({
      name: 'renderer-no-node',
      comment: 'The renderer runs in a sandboxed page: no Node built-ins.',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] },
    }),
    ...rule({
      name: 'renderer-web-packages',
      comment: 'Of the npm packages, the renderer uses svelte (its tests vitest); add a browser-safe one here.',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: NPM, pathNot: '^node_modules/(svelte|vitest|@vitest)/' },
    }),
    ...rule({
      name: 'shared-imports-nothing',
      comment: 'src/shared is the API contract both sides read: it imports nothing else of src.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    }),
    ...rule({
      name: 'shared-runs-anywhere',
      comment: 'src/shared also runs in the renderer: no Node built-ins, of the packages zod only.',
      from: { path: '^src/shared/', pathNot: TEST },
      to: { dependencyTypes: ['core', ...NPM], pathNot: '^node_modules/zod/' },
    }),
    ...rule({
      name: 'generic-no-engines',
      comment: 'core/jobs, core/parallel and core/platform are generic: they import no engine, no task, not core/app (core/app/workers wires tasks and kernels to them).',
      from: { path: GENERIC, pathNot: TEST },
      to: { path: '^src/', pathNot: `${GENERIC}|^src/shared/` },
    }),
    ...rule({
      name: 'core-no-adapters',
      comment: 'core is pure Node: it imports no adapter (cli, server, main, preload, renderer) and not Electron.',
      from: { path: '^src/core/' },
      to: { path: [ADAPTERS, '^node_modules/electron/'] },
    }),
    ...rule({
      name: 'cli-through-app',
      comment: 'The CLI reaches core only through core/app (src/core/app/index.ts), and not the server: src/cli/index.ts hands it the server\'s starter.',
      from: { path: '^src/cli/', pathNot: '^src/cli/index\\.ts$' },
      to: { path: '^src/', pathNot: `^src/(cli|shared)/|${CORE_DOOR}` },
    }),
    ...rule({
      name: 'cli-composition-root',
      comment: 'src/cli/index.ts, the renovo binary\'s composition root, puts the CLI and the web bridge together and nothing else.',
      from: { path: '^src/cli/index\\.ts$' },
      to: { path: '^src/', pathNot: '^src/cli/main\\.ts$|^src/server/index\\.ts$' },
    }),
    ...rule({
      name: 'server-through-app',
      comment: 'The web bridge reaches core only through core/app (src/core/app/index.ts).',
      from: { path: '^src/server/' },
      to: { path: '^src/', pathNot: `^src/(server|shared)/|${CORE_DOOR}` },
    }),
    ...rule({
      name: 'main-through-app',
      comment: 'The Electron shell (and the utility process that hosts core) reaches core only through core/app (src/core/app/index.ts, or src/core/app/paths.ts for path facts without loading the engines).',
      from: { path: '^src/main/' },
      to: { path: '^src/', pathNot: `^src/(main|shared)/|${CORE_DOOR}|${CORE_LIGHT_DOOR}` },
    }),
    ...rule({
      name: 'no-test-code-in-src',
      comment: 'Code under src/ (other than *.test.ts) imports no test or benchmark code (test/fixtures included) and no test file.',
      from: { path: '^src/', pathNot: TEST },
      to: { path: ['^(test|bench)/', TEST] },
    }),
    ...rule({
      name: 'no-cross-layer-cycle',
      comment: 'No import cycle through two layers (a src/<layer>/ or src/core/<layer>/ folder): lower layers must not know the higher ones.',
      from: { path: '^src/(core/[^/]+|[^/]+)/' },
      to: { circular: true, via: { pathNot: '^src/$1/' } },
    }),
    ...rule({
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo or a missing package would otherwise hide a layer edge).',
      from: { path: '^(src|bench)/' },
      to: { couldNotResolve: true },
    }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.svelte'],
    },
  },
};
