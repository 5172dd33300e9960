import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type DefaultTheme, defineConfig } from 'vitepress';

const docsDir = join(import.meta.dirname, '..');
const repoRoot = join(docsDir, '..');

const groupTitles: Record<string, string> = {
  classes: 'Classes',
  functions: 'Functions',
  interfaces: 'Interfaces',
  'type-aliases': 'Type aliases',
  variables: 'Variables',
};

/** The API reference's sidebar, from what TypeDoc wrote into `api/` (one section per package). */
const apiSidebar = (): DefaultTheme.SidebarItem[] => {
  const scope = join(docsDir, 'api/@logto-machine');
  if (!existsSync(scope)) return [];
  // Packages, and the subpath exports documented as modules of their own (`core/web`, `core/machine`).
  const modules = readdirSync(scope).flatMap((name) => [
    name,
    ...readdirSync(join(scope, name))
      .filter((entry) => !(entry in groupTitles) && existsSync(join(scope, name, entry, 'index.md')))
      .map((entry) => `${name}/${entry}`),
  ]);
  return modules.map((name) => ({
    text: `@logto-machine/${name}`,
    link: `/api/@logto-machine/${name}/`,
    collapsed: name !== 'core',
    items: Object.entries(groupTitles)
      .filter(([folder]) => existsSync(join(scope, name, folder)))
      .map(([folder, text]) => ({
        text,
        collapsed: true,
        items: readdirSync(join(scope, name, folder))
          .filter((file) => file.endsWith('.md'))
          .map((file) => ({
            text: file.slice(0, -3),
            link: `/api/@logto-machine/${name}/${folder}/${file.slice(0, -3)}`,
          })),
      })),
  }));
};

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Hono', link: '/guide/hono' },
      { text: 'Koa', link: '/guide/koa' },
      { text: 'Express', link: '/guide/express' },
      { text: 'SvelteKit', link: '/guide/sveltekit' },
      { text: 'Next.js', link: '/guide/next' },
      { text: 'Bun, Deno, Workers, React Router, Astro', link: '/guide/web-standard' },
      { text: 'Custom runtimes', link: '/guide/custom-runtimes' },
      { text: 'Debugging with the inspector', link: '/guide/debugging' },
      { text: 'Migrating from the official SDKs', link: '/guide/migrating' },
      { text: 'Migrating from @logto/express', link: '/guide/migrating-express' },
      { text: 'Migrating from @logto/next', link: '/guide/migrating-next' },
    ],
  },
  {
    text: 'Concepts',
    items: [
      { text: 'The session state chart', link: '/concepts/state-chart' },
      { text: 'Tokens', link: '/concepts/tokens' },
      { text: 'Single-flight refresh', link: '/concepts/refresh' },
      { text: 'Cookie and store sessions', link: '/concepts/sessions' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'Errors', link: '/reference/errors' },
      { text: 'Security model', link: '/security' },
      { text: 'OpenID conformance', link: '/conformance' },
      { text: 'Compared with other SDKs', link: '/comparison' },
      { text: 'Benchmark results', link: '/reference/benchmarks' },
      { text: 'API reference', link: '/api/' },
    ],
  },
];

export default defineConfig({
  title: 'logto-machine',
  description:
    'Sign users in with Logto (OpenID Connect) from Hono, Koa, Express, SvelteKit and any Web-standard runtime.',
  lang: 'en',
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  // The repository's README.md of this folder is not a page; generated partials are included by pages.
  srcExclude: ['README.md', '**/*.generated.md'],
  markdown: {
    config(md) {
      const fence = md.renderer.rules.fence!;
      md.renderer.rules.fence = (tokens, index, options, env, self) => {
        const token = tokens[index]!;
        // ```mermaid blocks become a client-side rendered chart (theme/MermaidChart.vue).
        if (token.info.trim() === 'mermaid')
          return `<MermaidChart code="${encodeURIComponent(token.content)}" />`;
        const html = fence(tokens, index, options, env, self);
        // A `<<<` import names its file (and region): show where the code comes from.
        const [source, region] = (token as { src?: [string, string?] }).src ?? [];
        if (!source) return html;
        const path = relative(repoRoot, source) + (region ? ` — ${region}` : '');
        return `<div class="snippet-source">${md.utils.escapeHtml(path)}</div>${html}`;
      };
    },
  },
  themeConfig: {
    logo: '/favicon.svg',
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '^/guide/' },
      { text: 'Concepts', link: '/concepts/state-chart', activeMatch: '^/concepts/' },
      { text: 'Errors', link: '/reference/errors' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
    ],
    sidebar: { '/api/': apiSidebar(), '/': guide },
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    footer: { message: 'MIT licensed. Code blocks are imported from compiled, tested files.' },
  },
});
