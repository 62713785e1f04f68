// The architecture as rules (docs: `npx depcruise --help`; run by `npm run lint`). Each rule's comment is
// what a violation prints, so it says why the rule exists and where the import should go instead.
//
// Layers, top to bottom; an import points down (or sideways inside its layer), never up:
//   cli → run → {report, doctor, breakpoint, store, samples, demo, monitor} → {k6, k6-templates, plans}
//       → {io, errors, version}
// Tests (*.test.ts) may import what they test, so the layering and effect rules skip them.

const TEST = '\\.test\\.ts$';
const npm = (name) => `(^|/)node_modules/${name}/`;

const CLI = '^src/cli/'; // not-to-cli covers every layer
const RUN = '^src/run/';
const MIDDLE = '^src/(report|doctor|breakpoint|store|samples|demo|monitor)/';
const LOWER = '^src/(k6|k6-templates|plans)/';
const LEAVES = '^src/(io/|errors\\.ts$|version\\.ts$|terminal-safe\\.ts$)';

// Modules that touch the world: files, processes, sockets, DNS, the host. Only src/io imports them.
// node:zlib and node:stream are not here: they transform bytes in memory; opening the file is the effect.
const FILES_AND_PROCESSES = ['fs', 'fs/promises', 'child_process', 'os', 'worker_threads', 'cluster'];
const SOCKETS = ['net', 'dns', 'dns/promises', 'tls', 'http', 'https', 'http2', 'dgram'];
const core = (names) => `^(node:)?(${names.join('|')})$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycle: modules in a cycle cannot be understood, tested or loaded one without the other. ' +
        'Move what both need into a third module below them.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-cli',
      severity: 'error',
      comment:
        'src/cli is the top: the entry and thin commands. Nothing below imports it; move the shared code ' +
        'down (src/run, src/report, …) and have the command call it.',
      from: { pathNot: [CLI, TEST] },
      to: { path: CLI },
    },
    {
      name: 'effects-only-in-io',
      severity: 'error',
      comment:
        'Files, processes and the host are reached through src/io (an injected Io), so tests can replace ' +
        'them and effects stay at the edge. Use io.readText/readBytes/runCommand/hostFacts/… instead.',
      // version.ts reads loadctl's own package.json once, at load: our install, not the user's world.
      from: { pathNot: ['^src/io/', '^src/version\\.ts$', TEST] },
      to: { dependencyTypes: ['core'], path: core(FILES_AND_PROCESSES) },
    },
    {
      name: 'sockets-only-in-io',
      severity: 'error',
      comment:
        'Sockets and DNS go through src/io (io.fetch, io.probeTcp, io.freePort, io.lookup). src/demo is ' +
        'exempt: it is the demo HTTP server itself, a program of its own that k6 runs against.',
      from: { pathNot: ['^src/io/', '^src/demo/', TEST] },
      to: { dependencyTypes: ['core'], path: core(SOCKETS) },
    },
    {
      name: 'esbuild-only-in-io',
      severity: 'error',
      comment:
        'esbuild (it spawns its own binary) is imported in one module of src/io; bundle through the io ' +
        'module that wraps it.',
      from: { pathNot: ['^src/io/', TEST] },
      to: { path: [npm('esbuild')] },
    },
    {
      name: 'render-is-pure',
      severity: 'error',
      comment:
        'Renderers return strings from data (STYLE rule 8): src/report/render imports no effects (src/io), ' +
        'no k6 process code, no engine (src/run), no results folder (src/store) and not the CLI. Pass the ' +
        'data in instead; type-only imports of pure models (e.g. k6/live types) are fine.',
      from: { path: '^src/report/render/', pathNot: TEST },
      to: {
        path: [
          '^src/io/',
          '^src/k6/(process|locate|version|cpu|stream-extension)\\.ts$',
          '^src/run/',
          // store/runs.ts holds only the types of a listed run (what the runs table draws).
          '^src/store/(?!runs\\.ts$)',
          CLI,
        ],
      },
    },
    {
      name: 'runtime-is-k6-only',
      severity: 'error',
      comment:
        'src/k6-templates/runtime runs inside k6 (goja), not Node: it may import k6 modules, the bundled ' +
        'user script and its own files only. Pass anything else in as the plan JSON.',
      from: { path: '^src/k6-templates/runtime/', pathNot: TEST },
      to: {
        pathNot: ['^src/k6-templates/runtime/', '^k6(/|$)', '^loadctl:user-script$'],
      },
    },
    {
      name: 'layer-middle-not-up',
      severity: 'error',
      comment:
        'Layers point down: report, doctor, breakpoint, store, samples and demo sit below src/run; pass ' +
        'what they need from the engine in as data, or move the shared part down.',
      from: { path: MIDDLE, pathNot: TEST },
      to: { path: RUN },
    },
    {
      name: 'layer-lower-not-up',
      severity: 'error',
      comment:
        'Layers point down: k6, k6-templates and plans sit below report/doctor/breakpoint/store/samples/' +
        'demo and src/run; move the shared part down (e.g. a format helper into src/plans or a leaf) or ' +
        'let the caller pass it in.',
      from: { path: LOWER, pathNot: TEST },
      to: { path: [MIDDLE, RUN] },
    },
    {
      name: 'leaves-are-leaves',
      severity: 'error',
      comment:
        'src/io, src/errors.ts and src/version.ts are the bottom layer: everything may import them, so ' +
        'they import nothing of loadctl above them. Exception: errors.ts may import ' +
        'src/plans/diagnostics.ts, the Diagnostic data type PlanError carries (itself a leaf, see below).',
      from: { path: LEAVES, pathNot: TEST },
      to: { path: '^src/', pathNot: [LEAVES, '^src/plans/diagnostics\\.ts$'] },
    },
    {
      name: 'diagnostics-is-a-leaf',
      severity: 'error',
      comment:
        'src/plans/diagnostics.ts is imported by src/errors.ts (a leaf), so it imports nothing of loadctl ' +
        'itself (but the leaf src/terminal-safe.ts); otherwise the bottom layer would reach up through it.',
      from: { path: '^src/plans/diagnostics\\.ts$' },
      to: { path: '^src/', pathNot: '^src/terminal-safe\\.ts$' },
    },
    {
      name: 'leaves-no-upward-via-diagnostics',
      severity: 'error',
      comment:
        'Only errors.ts may use the diagnostics exception; src/io and version.ts import nothing above.',
      from: { path: '^src/(io/|version\\.ts$)', pathNot: TEST },
      to: { path: '^src/plans/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type import is still a dependency between the modules' meanings.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
