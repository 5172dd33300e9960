// Fails when a published source file imports the test framework (`vitest`, `vitest/*`, `@vitest/*`,
// `@fast-check/vitest`): production code must run, and install, without it. Published = every file
// under `packages/*/src` but `*.test.ts`; test tooling packages are exempt (see `testTooling`).
// Run: `node scripts/check-test-imports.mjs`.
import { read, shown, sourceFilesByPackage, staticImports } from './sourceImports.mjs';

/**
 * Packages made for tests, whose `vitest` is a peer dependency: `testing` holds the contract suites
 * (ports, session stores, server adapters) and fixtures.
 */
const testTooling = new Set(['testing']);

const isTestFramework = (specifier) =>
  specifier === 'vitest' ||
  specifier.startsWith('vitest/') ||
  specifier.startsWith('@vitest/') ||
  specifier === '@fast-check/vitest';

const offences = [];
let checked = 0;
for (const [name, files] of sourceFilesByPackage()) {
  if (testTooling.has(name)) continue;
  for (const file of files) {
    if (/\.test\.(m|c)?tsx?$/.test(file)) continue;
    checked++;
    for (const { specifier, line } of staticImports(read(file)))
      if (isTestFramework(specifier)) offences.push(`  ${shown(file)}:${line} imports '${specifier}'`);
  }
}

if (offences.length === 0) {
  console.log(
    `check-test-imports: none of the ${checked} published source files imports the test framework.`,
  );
} else {
  console.error(
    'check-test-imports: published source files import the test framework; move the code into ' +
      '@logto-machine/testing (packages/testing) or into a *.test.ts file:',
  );
  for (const offence of offences) console.error(offence);
  process.exitCode = 1;
}
