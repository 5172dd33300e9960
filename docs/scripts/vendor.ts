/**
 * Mermaid for the browser: its prebuilt ESM bundle (the entry and its lazily loaded chunks) copied
 * into `public/vendor/mermaid/` as it is, instead of being bundled by Vite with the site — bundling
 * Mermaid's dependency tree would triple the build time for the one page that draws a chart.
 *
 * @module
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { docsDir } from './paths.ts';

/** Where the site serves Mermaid from (`theme/MermaidChart.vue` imports it from there). */
export const mermaidPublicPath = 'vendor/mermaid';

/** Copies Mermaid's ESM build (`.mjs` files only, no source maps) into `public/`. */
export const copyMermaid = (): void => {
  const dist = join(dirname(createRequire(import.meta.url).resolve('mermaid/package.json')), 'dist');
  const target = join(docsDir, 'public', mermaidPublicPath);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(join(dist, 'mermaid.esm.min.mjs'), join(target, 'mermaid.esm.min.mjs'));
  cpSync(join(dist, 'chunks/mermaid.esm.min'), join(target, 'chunks/mermaid.esm.min'), {
    recursive: true,
    filter: (source) => !source.endsWith('.map'),
  });
};
