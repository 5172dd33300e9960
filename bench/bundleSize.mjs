// Min+gzip size of an edge bundle of an app that imports LogtoClient, beside the official
// @logto/client + @logto/js measured the same way. Run: pnpm bench (or node bundleSize.mjs).
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entries = {
  '@logto-machine/core (LogtoClient)':
    "import { LogtoClient } from '@logto-machine/core'; globalThis.x = LogtoClient;",
  '@logto/client + @logto/js (LogtoClient)':
    "import LogtoClient from '@logto/client'; globalThis.x = LogtoClient;",
};

const rows = [];
for (const [name, contents] of Object.entries(entries)) {
  const result = await build({
    stdin: { contents, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['worker', 'browser'],
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  rows.push({
    bundle: name,
    'min (KB)': (code.length / 1024).toFixed(1),
    'min+gzip (KB)': (gzipSync(code).length / 1024).toFixed(1),
  });
}
console.table(rows);
