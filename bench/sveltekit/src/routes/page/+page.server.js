// The bare page's load: counts every request (bench/servers/control.ts holds the counter), rendered
// on the server only, as the example's pages are (examples/sveltekit: `csr = false`).
export const csr = false;

export const load = () => {
  globalThis.__benchCounter.authenticated += 1;
  return {};
};
