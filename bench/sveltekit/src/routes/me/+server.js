// The measured endpoint: the signed-in user's `sub` (locals.user, set by handleLogto), 401 when
// signed out; in the bare app every request counts (bench/servers/control.ts holds the counter).
const counter = globalThis.__benchCounter;
const bare = process.env.BENCH_LOGTO !== '1';

export const GET = ({ locals }) => {
  if (bare) {
    counter.authenticated += 1;
    return new Response('anonymous');
  }
  if (!locals.user) return new Response('signed out', { status: 401 });
  counter.authenticated += 1;
  return new Response(locals.user.sub);
};
