/**
 * Node: `node launchers/node.js`, with PORT and the worker's bindings in the environment. Serves the
 * same bundle the other runtimes run (`dist/worker.js`, from `build.ts`) with `@hono/node-server`.
 */
import { serve } from '@hono/node-server';
import worker from '../dist/worker.js';

const env = { ...process.env };
serve(
  { fetch: (request) => worker.fetch(request, env), port: Number(env.PORT), hostname: '127.0.0.1' },
  (info) => console.log(`node ${process.version} listening on http://${info.address}:${info.port}`),
);
