/**
 * The result tables of docs/conformance.md list exactly the conformance modules the tests here cover, so neither the
 * page nor the tests can drift from the other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const here = new URL('./', import.meta.url);
const moduleName = /\b(?:oidcc-client-test|fapi[12]-[a-z0-9-]+?-client-test)(?:-[a-z0-9_]+)*/g;
const modulesIn = (text: string) => new Set(text.match(moduleName));

describe('docs/conformance.md', () => {
  it('lists every module a conformance test is named after, and no other', () => {
    const tested = modulesIn(
      readdirSync(here)
        .filter((file) => file.endsWith('.conformance.test.ts'))
        .map((file) => readFileSync(new URL(file, here), 'utf8'))
        .join('\n'),
    );
    const page = readFileSync(new URL('../../../../docs/conformance.md', here), 'utf8');
    // The first column of the result tables (the prose also names modules that do not apply).
    const documented = modulesIn(
      page
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => line.split('|')[1])
        .join('\n'),
    );
    expect(tested.size).toBeGreaterThan(40);
    expect([...documented].sort()).toEqual([...tested].sort());
  });
});
