// The bench's SvelteKit app: one endpoint, built once with adapter-node into bench/.out/sveltekit and
// served twice, with our handle hook (BENCH_LOGTO=1) and without any (the bare endpoint).
import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: { adapter: adapter({ out: '../.out/sveltekit' }) },
};
