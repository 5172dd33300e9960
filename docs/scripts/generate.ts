/**
 * Generates the pages that come from the code, before VitePress builds the site (`pnpm docs:build`,
 * `pnpm docs:dev`): the session state chart (committed), the errors reference, the scopes and client-options
 * tables, the security and benchmark pages and the API reference (all gitignored), copies Mermaid's browser build
 * into `public/`, and checks every snippet import.
 *
 * `--skip-state-chart` leaves the committed state chart as it is (the docs tests build with it, and
 * check separately that it matches the machine). `--skip-api` leaves out TypeDoc.
 *
 * @module
 */
import { generateApiReference } from './apiReference.ts';
import { renderErrorsReference } from './errorsReference.ts';
import { generated, writeDocsFile } from './paths.ts';
import { renderBenchmarks, renderSecurity } from './repoDocs.ts';
import { snippetProblems } from './snippets.ts';
import { renderStateChart } from './stateChart.ts';
import { renderClientOptions, renderScopes } from './tables.ts';
import { copyMermaid } from './vendor.ts';

/** Writes every generated page; throws when a snippet import or a code block cannot be checked. */
export const generate = async (options: { stateChart?: boolean; api?: boolean } = {}): Promise<void> => {
  const problems = snippetProblems();
  if (problems.length)
    throw new Error(`Code blocks that do not come from compiled files:\n  ${problems.join('\n  ')}`);
  if (options.stateChart ?? true) writeDocsFile(generated.stateChart, renderStateChart());
  writeDocsFile(generated.errors, renderErrorsReference());
  writeDocsFile(generated.scopes, renderScopes());
  writeDocsFile(generated.clientOptions, renderClientOptions());
  writeDocsFile(generated.security, renderSecurity());
  writeDocsFile(generated.benchmarks, renderBenchmarks());
  copyMermaid();
  if (options.api ?? true) await generateApiReference();
};

if (import.meta.url === new URL(process.argv[1] ?? '', 'file:').href) {
  const started = performance.now();
  try {
    await generate({
      stateChart: !process.argv.includes('--skip-state-chart'),
      api: !process.argv.includes('--skip-api'),
    });
    console.log(`Generated the docs pages in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
