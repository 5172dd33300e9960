/**
 * The API reference: TypeDoc with typedoc-plugin-markdown over the public entry points of core and
 * the adapters, written into `docs/api/` (gitignored) for VitePress. Warnings are errors: a TSDoc link
 * that does not resolve, or an exported API that references something undocumented, fails the build.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application, Converter, type TypeDocOptions } from 'typedoc';
import { docsDir, generated, repoRoot } from './paths.ts';

/** The packages documented, by folder under `packages/`. */
export const apiPackages = ['core', 'hono', 'koa', 'express', 'sveltekit', 'redis'] as const;

/**
 * Subpath exports documented as modules of their own (`@logto-machine/core/web`,
 * `@logto-machine/core/machine`), by file under `packages/`.
 */
const subpathEntries: Readonly<Record<string, string>> = {
  web: 'core/src/web.ts',
  machine: 'core/src/machine.ts',
};

/**
 * TSDoc links to helpers a package uses but does not export. TypeDoc cannot resolve them; each points
 * at the page that explains the concept instead. Only the names listed here are forgiven.
 */
const conceptLinks: Readonly<Record<string, string>> = {
  accessTokenKey: '/concepts/tokens#the-access-token-cache',
};

const packageName = (folder: string): string =>
  JSON.parse(readFileSync(join(repoRoot, 'packages', folder, 'package.json'), 'utf8')).name;

/** Runs TypeDoc; throws with TypeDoc's messages on any error or warning. */
export const generateApiReference = async (): Promise<void> => {
  const options = {
    entryPoints: [
      ...apiPackages.map((folder) => join(repoRoot, 'packages', folder, 'src/index.ts')),
      ...Object.values(subpathEntries).map((path) => join(repoRoot, 'packages', path)),
    ],
    tsconfig: join(docsDir, 'tsconfig.typedoc.json'),
    plugin: ['typedoc-plugin-markdown'],
    out: join(docsDir, generated.api),
    treatWarningsAsErrors: true,
    // Type errors are `pnpm typecheck`'s to report; TypeDoc only reads the declarations.
    skipErrorChecking: true,
    // There is no public repository URL to link sources to yet.
    disableSources: true,
    // Members inherited from Effect's classes (`pipe`, `Symbol.iterator`, …) are Effect's to document.
    excludeExternals: true,
    name: 'API reference',
    readme: 'none',
    logLevel: 'Warn',
    // typedoc-plugin-markdown, for VitePress
    entryFileName: 'index',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    parametersFormat: 'table',
    enumMembersFormat: 'table',
    typeDeclarationFormat: 'table',
  } as Partial<TypeDocOptions>;
  const app = await Application.bootstrapWithPlugins(options);
  // Name each module after its package (`core/src` → `@logto-machine/core`), or its subpath export.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.children ?? []) {
      const folder = module.name.split('/')[0] ?? '';
      const subpath = Object.entries(subpathEntries).find(
        ([, path]) => module.name === path.replace(/\.ts$/, ''),
      );
      if (subpath) module.name = `${packageName(folder)}/${subpath[0]}`;
      else if ((apiPackages as readonly string[]).includes(folder)) module.name = packageName(folder);
    }
  });
  app.converter.addUnknownSymbolResolver((reference) => {
    if (reference.moduleSource) return undefined;
    const name = reference.symbolReference?.path?.map((part) => part.path).join('.');
    return name ? conceptLinks[name] : undefined;
  });
  const failed = () => app.logger.hasErrors() || app.logger.hasWarnings();
  const project = await app.convert();
  if (!project || failed()) throw new Error('TypeDoc: the API reference has errors or warnings (above).');
  app.validate(project);
  if (failed()) throw new Error('TypeDoc: the API reference failed validation (above).');
  await app.generateOutputs(project);
  if (failed()) throw new Error('TypeDoc: writing the API reference failed (above).');
};
