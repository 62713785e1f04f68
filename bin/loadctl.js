#!/usr/bin/env node
// Shim into the compiled CLI. `npm install` builds dist/ (the `prepare` script).
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write(
      'loadctl is not built yet: run `npm install` (or `npm run build`) in the loadctl folder.\n',
    );
    process.exit(3);
  }
  throw err;
}
// A reader that stops early (`loadctl run --help | head`) closes the pipe: that ends the output, not loadctl
// with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
process.exitCode = await main(process.argv.slice(2));
