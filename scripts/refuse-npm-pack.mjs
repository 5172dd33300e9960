// Every package's `prepack`: refuses to pack or publish unless pnpm runs it. The package.json in this
// repository is the development one: `exports` point at `./src/*.ts` and internal dependencies are
// `workspace:*`. pnpm swaps in `publishConfig.exports` and real versions while packing; npm and yarn
// would ship the development manifest, a tarball that cannot be installed (`EUNSUPPORTEDPROTOCOL`) or
// imported (`ERR_MODULE_NOT_FOUND`, `ERR_UNKNOWN_FILE_EXTENSION`).
const userAgent = process.env.npm_config_user_agent ?? '';

if (!userAgent.startsWith('pnpm/')) {
  const tool = userAgent.split('/')[0] || 'this tool';
  const name = process.env.npm_package_name ?? 'this package';
  console.error(
    [
      `${name}: refusing to pack with ${tool}; its package.json is the workspace's development manifest`,
      '(exports point at ./src/*.ts, internal dependencies are "workspace:*"), and only pnpm rewrites it',
      'for publishing.',
      '',
      'To release, from the repository root:   npx pnpm changeset version && npx pnpm changeset publish',
      'To make a tarball, in this folder:      npx pnpm pack',
      '',
      'A tarball pnpm made can then be published with any client: npm publish ./<name>-<version>.tgz',
    ].join('\n'),
  );
  process.exit(1);
}
