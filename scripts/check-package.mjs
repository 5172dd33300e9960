// Checks the package in the current folder as it will be published: packed by pnpm (so
// `publishConfig.exports` applies), then linted by publint and checked by attw.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });
const destination = mkdtempSync(join(tmpdir(), 'pack-'));
run('npx', ['-y', 'pnpm@10.34.8', 'pack', '--pack-destination', destination]);
const tarball = join(
  destination,
  readdirSync(destination).find((file) => file.endsWith('.tgz')),
);
run('npx', ['publint', '--strict', tarball]);
run('npx', ['attw', tarball, '--profile', 'esm-only']);
