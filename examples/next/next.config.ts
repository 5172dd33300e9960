import type { NextConfig } from 'next';

const config: NextConfig = {
  // The workspace packages are TypeScript sources; published, they are plain ESM.
  transpilePackages: ['@logto-machine/core', '@logto-machine/next', '@logto-machine/redis'],
  serverExternalPackages: ['ioredis'],
};

export default config;
