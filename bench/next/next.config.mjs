// The bench's Next app (bench/next): built once by lib/build.ts, served by servers/next.ts.
export default {
  transpilePackages: ['@logto-machine/core', '@logto-machine/next'],
  // The bench measures the server, not a type check.
  typescript: { ignoreBuildErrors: true },
};
