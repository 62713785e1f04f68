// Build step after tsc: dist/cli becomes one esbuild bundle of the CLI (src/cli/main.ts and what it
// imports, npm packages included), split at the commands' dynamic imports so each command still loads only
// what it needs. Why: on Node 20 (no module compile cache) resolving and compiling a few hundred small ESM
// files is most of `loadctl validate`'s start-up; a handful of chunks is much cheaper
// (bench/startup.mjs measures it). The rest of dist/ stays tsc's output for scripts and benches.
//
// Every chunk lands in dist/cli/, so a module's `import.meta.url` is rewritten to the file tsc would have
// emitted for it (dist/<folder>/<name>.js): the code that finds package.json, the k6 templates or
// node_modules relative to itself keeps working unchanged.
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const OUT = join(ROOT, 'dist', 'cli');

const importMetaUrlAsTscEmitted = {
  name: 'import-meta-url-as-tsc-emitted',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const emitted = join(ROOT, 'dist', relative(SRC, args.path)).replace(/\.ts$/, '.js');
      const rel = relative(OUT, emitted).split('\\').join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return {
        contents: source.replaceAll('import.meta.url', url),
        loader: 'ts',
        resolveDir: dirname(args.path),
      };
    });
  },
};

// zod's namespace export carries all of its ~60 message locales (about half of zod's bundled size, compiled
// at every start); loadctl writes its own messages and zod uses English, so only `en` is kept.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

await rm(OUT, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(SRC, 'cli', 'main.ts')],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // esbuild finds its own native binary; hdr-histogram-js carries WebAssembly it loads itself.
  external: ['esbuild', 'hdr-histogram-js'],
  // Bundled CommonJS packages (commander, cli-table3) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __loadctlCreateRequire } from 'node:module'; const require = __loadctlCreateRequire(import.meta.url);",
  },
  plugins: [importMetaUrlAsTscEmitted, zodEnglishOnly],
  logLevel: 'warning',
  metafile: true,
});

// `loadctl validate` must stay light: the build fails when its static imports reach a package it does not
// need (terminal styling, spinners, tables, histograms, esbuild: src/io loads the last one on first use).
const HEAVY = ['chalk', 'ora', 'cli-table3', 'hdr-histogram-js', 'esbuild'];
const WARN_ONLY = [];
const outputs = result.metafile.outputs;
const chunkOf = (entry) => Object.keys(outputs).find((out) => outputs[out].entryPoint?.endsWith(entry));
function staticClosure(start) {
  const seen = new Set();
  const todo = [start];
  while (todo.length > 0) {
    const out = todo.pop();
    if (seen.has(out)) continue;
    seen.add(out);
    for (const imp of outputs[out]?.imports ?? []) if (imp.kind === 'import-statement') todo.push(imp.path);
  }
  return seen;
}
/** The npm packages a chunk holds or imports. */
function packagesOf(out) {
  const names = [
    ...Object.keys(outputs[out]?.inputs ?? {}).map((input) => input.match(/node_modules[\\/]([^\\/]+)/)?.[1]),
    ...(outputs[out]?.imports ?? [])
      .filter((imp) => imp.external && imp.kind === 'import-statement')
      .map((imp) => imp.path.split('/')[0]),
  ];
  return names.filter((name) => name !== undefined);
}
const validatePath = new Set([
  ...staticClosure(chunkOf('src/cli/main.ts')),
  ...staticClosure(chunkOf('src/cli/commands/validate.ts')),
]);
const loaded = new Set([...validatePath].flatMap(packagesOf));
const warned = WARN_ONLY.filter((name) => loaded.has(name));
if (warned.length > 0) console.warn(`bundle-cli: warning: \`loadctl validate\` loads ${warned.join(', ')}`);
const heavy = HEAVY.filter((name) => loaded.has(name));
if (heavy.length > 0) {
  console.error(
    `bundle-cli: \`loadctl validate\` would load ${heavy.join(', ')}; import it where it is used`,
  );
  process.exit(1);
}

// The k6 template's code part is the same for every plan (src/plans/render.property.test.ts), so it is
// bundled once here rather than by esbuild at every `loadctl run`; src/k6-templates/bundle.test.ts holds
// this copy equal to a fresh bundle.
const { bundleTemplate, PREBUILT_TEMPLATE_PATH } = await import('../dist/k6-templates/bundle.js');
await writeFile(PREBUILT_TEMPLATE_PATH, await bundleTemplate());
