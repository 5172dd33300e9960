/**
 * Deno: `deno run --allow-net --allow-env launchers/deno.js`, with PORT and the worker's bindings in
 * the environment. Serves the bundle (`dist/worker.js`, from `build.ts`) with `Deno.serve`; without
 * `--allow-read`, `--allow-sys` and the like, any Node or file-system API the bundle used would throw.
 */
import worker from '../dist/worker.js';

const env = Deno.env.toObject();
Deno.serve(
  {
    port: Number(env.PORT),
    hostname: '127.0.0.1',
    onListen: ({ hostname, port }) =>
      console.log(`deno ${Deno.version.deno} listening on http://${hostname}:${port}`),
  },
  (request) => worker.fetch(request, env),
);
