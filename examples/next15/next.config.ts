import type { NextConfig } from 'next';

const config: NextConfig = {
  // The workspace packages are TypeScript sources; published, they are plain ESM.
  transpilePackages: ['@logto-machine/core', '@logto-machine/next'],
};

export default config;
