/**
 * What the site says comes from the code: the committed state chart is a fresh drawing of the machine,
 * every error reason has advice, and every code block of the hand-written pages is imported from a
 * compiled file (or is a shell command checked against the repository).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorAdvice } from '../scripts/errorAdvice.ts';
import { adviceKeys, errorCatalog } from '../scripts/errorsReference.ts';
import { docsDir, generated } from '../scripts/paths.ts';
import { snippetProblems } from '../scripts/snippets.ts';
import { renderStateChart } from '../scripts/stateChart.ts';

describe('generated pages', () => {
  it('the committed state chart is the session machine as it is now', () => {
    const committed = readFileSync(join(docsDir, generated.stateChart), 'utf8');
    expect(committed, `${generated.stateChart} is stale: run pnpm docs:build and commit it`).toBe(
      renderStateChart(),
    );
  });

  it('every error reason of errors.ts has advice, and no advice names a reason that is gone', () => {
    const keys = adviceKeys(errorCatalog());
    expect(keys.length).toBeGreaterThan(50);
    expect(
      keys.filter((key) => !errorAdvice[key]),
      'add advice to docs/scripts/errorAdvice.ts',
    ).toEqual([]);
    expect(
      Object.keys(errorAdvice).filter((key) => !keys.includes(key)),
      'stale advice',
    ).toEqual([]);
  });

  it('every code block of the hand-written pages comes from a compiled file', () => {
    expect(snippetProblems()).toEqual([]);
  });
});
