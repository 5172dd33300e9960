/**
 * Bun: `bun launchers/bun.js`, with PORT and the worker's bindings in the environment. Serves the
 * bundle (`dist/worker.js`, from `build.ts`) with `Bun.serve`.
 */
import worker from '../dist/worker.js';

const env = { ...Bun.env };
const server = Bun.serve({
  port: Number(env.PORT),
  hostname: '127.0.0.1',
  fetch: (request) => worker.fetch(request, env),
});
console.log(`bun ${Bun.version} listening on ${server.url}`);
