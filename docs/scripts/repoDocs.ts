/**
 * Pages that are files of the repository: SECURITY.md and the benchmark results (`bench/RESULTS.md`,
 * written by `pnpm bench`), their links rewritten for the site (a link to `docs/x.md` becomes the page
 * `/x`; a link to another file of the repository becomes its path as code).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRepoFile, repoRoot } from './paths.ts';

/** Rewrites the repository-relative links of a root Markdown file for the site. */
export const siteLinks = (markdown: string): string =>
  markdown.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (link, text: string, target: string) => {
    if (/^[a-z]+:|^#/.test(target)) return link;
    if (target.startsWith('docs/') && target.endsWith('.md')) return `[${text}](/${target.slice(5)})`;
    return text === `\`${target}\`` || text === target ? `\`${target}\`` : `${text} (\`${target}\`)`;
  });

/** A file of the repository for the site, or `missing` when it does not exist (yet). */
const copied = (path: string, missing: string): string =>
  `<!-- Copied from ${path} by docs/scripts/repoDocs.ts. Do not edit. -->\n\n${
    existsSync(join(repoRoot, path)) ? siteLinks(readRepoFile(path)) : missing
  }`;

/** SECURITY.md for the site. */
export const renderSecurity = (): string =>
  copied('SECURITY.md', '# Security\n\nThe repository has no SECURITY.md yet.\n');

/** The latest benchmark results for the site. */
export const renderBenchmarks = (): string =>
  copied(
    'bench/RESULTS.md',
    '# Benchmark results\n\nNot measured yet: `pnpm bench` writes `bench/RESULTS.md`.\n',
  );
