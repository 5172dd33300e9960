/**
 * "Every code block comes from a compiled file": checks the hand-written pages. A `<<<` snippet import
 * must name an existing file and region (VitePress would otherwise include the whole file, or a
 * "not found" line, without failing). A fenced block is allowed only for shell commands that can be
 * checked against the repository: a line of a README, an install of packages the examples use, or an
 * example's start command with variables the example reads.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { docsDir, repoRoot } from './paths.ts';

/** The hand-written pages: every `.md` under `docs/` but generated ones, the API reference and other people's. */
export const handWrittenPages = (dir = docsDir): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', 'api', '.vitepress'].includes(name)) return [];
    if (statSync(path).isDirectory()) return handWrittenPages(path);
    if (!name.endsWith('.md') || name.endsWith('.generated.md')) return [];
    // The conformance table is another suite's page (its test keeps it true); README.md is the repo's.
    return relative(docsDir, path) === 'conformance.md' || relative(docsDir, path) === 'README.md'
      ? []
      : [path];
  });

// VitePress's own snippet syntax: `<<< path#region{lang} [title]`, `@` standing for `docs/`.
const snippetLine = /^<<<\s+(\S+?)(?:#([\w-]+))?(?:\{[^}]*\})?(?:\s+\[[^\]]*\])?\s*$/;
const regionMarkers = (name: string) => [
  [`// #region ${name}`, `// #endregion ${name}`],
  [`<!-- #region ${name} -->`, `<!-- #endregion ${name} -->`],
];

/** The `<<<` imports of a page that do not resolve to a file and region. */
export const brokenSnippets = (page: string): string[] => {
  const problems: string[] = [];
  for (const line of readFileSync(page, 'utf8').split('\n')) {
    if (!line.startsWith('<<<')) continue;
    const match = snippetLine.exec(line.trim());
    if (!match) {
      problems.push(`${relative(docsDir, page)}: cannot read "${line}"`);
      continue;
    }
    const [, path = '', region] = match;
    const file = path.startsWith('@') ? join(docsDir, path.slice(1)) : resolve(dirname(page), path);
    if (!existsSync(file)) {
      problems.push(`${relative(docsDir, page)}: ${path} does not exist`);
      continue;
    }
    if (region) {
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .map((text) => text.trim());
      const found = regionMarkers(region).some(
        ([start, end]) => lines.includes(start!) && lines.includes(end!),
      );
      if (!found) problems.push(`${relative(docsDir, page)}: ${path} has no region "${region}"`);
    }
  }
  return problems;
};

const readJson = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));
const folders = (dir: string) =>
  readdirSync(join(repoRoot, dir)).filter((name) => existsSync(join(repoRoot, dir, name, 'package.json')));

/** Packages a reader may install: our public packages, and what the examples depend on. */
const installable = (): Set<string> => {
  const names = new Set<string>();
  for (const folder of folders('packages')) {
    const pkg = readJson(`packages/${folder}/package.json`);
    if (!pkg.private) names.add(pkg.name);
    for (const name of Object.keys(pkg.peerDependencies ?? {})) names.add(name);
  }
  // The docs' own examples (`docs/examples/`) are compiled and run by the docs tests; the walkthroughs
  // by the newcomer test.
  for (const path of [
    ...folders('examples').map((folder) => `examples/${folder}`),
    'docs',
    ...walkthroughNames().map((name) => `docs/walkthroughs/${name}`),
  ]) {
    const pkg = readJson(`${path}/package.json`);
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (!name.startsWith('@logto-machine/')) names.add(name);
    }
  }
  return names;
};

/** The walkthroughs: complete projects in `docs/walkthroughs/<name>/` that the newcomer test runs. */
export const walkthroughNames = (): string[] => folders('docs/walkthroughs');

/** Every package a walkthrough's `package.json` lists: what its page's install lines must name. */
const walkthroughPackages = (name: string): string[] => {
  const pkg = readJson(`docs/walkthroughs/${name}/package.json`);
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
};

/** The sources of the walkthroughs (to check the variables a command sets) and their npm scripts. */
const walkthroughContext = () => {
  const names = walkthroughNames();
  return {
    source: names.map((name) => sourceOf(join(repoRoot, 'docs/walkthroughs', name))).join('\n'),
    scripts: new Set(
      names.flatMap((name) => Object.keys(readJson(`docs/walkthroughs/${name}/package.json`).scripts ?? {})),
    ),
    bins: new Set(
      folders('packages').flatMap((folder) =>
        Object.keys(readJson(`packages/${folder}/package.json`).bin ?? {}),
      ),
    ),
  };
};

/** Every line of the READMEs, trimmed: commands quoted from them are checked by their own readers. */
const readmeLines = (): Set<string> => {
  const files = [
    'README.md',
    ...['packages', 'examples'].flatMap((dir) => folders(dir).map((f) => `${dir}/${f}/README.md`)),
  ];
  return new Set(
    files
      .filter((file) => existsSync(join(repoRoot, file)))
      .flatMap((file) =>
        readFileSync(join(repoRoot, file), 'utf8')
          .replace(/\\\n\s*/g, '')
          .split('\n'),
      )
      .map((line) => line.trim()),
  );
};

/** The TypeScript and JavaScript of a folder, to check that it reads a variable. */
const sourceOf = (dir: string): string =>
  readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (['node_modules', 'build', '.svelte-kit', 'dist'].includes(entry)) return [];
      if (statSync(path).isDirectory()) return [sourceOf(path)];
      return /\.(ts|js)$/.test(entry) ? [readFileSync(path, 'utf8')] : [];
    })
    .join('\n');

/** The source of an example app, to check that it reads a variable. */
const exampleSource = (name: string): string =>
  existsSync(join(repoRoot, 'examples', name)) ? sourceOf(join(repoRoot, 'examples', name)) : '';

/** The variables of `variables` (`A=1 B=2 `) that `source` does not read. */
const unreadVariables = (variables: string, source: string) =>
  [...variables.matchAll(/([A-Z_]+)=/g)]
    .map((variable) => variable[1]!)
    .filter((name) => !source.includes(`'${name}'`) && !source.includes(`.${name}`));

/**
 * Why a command of a walkthrough's "run it" cannot be checked, or `undefined` when it can: `npm install`,
 * an npm script some walkthrough has (with variables some walkthrough reads), `npx tsc --noEmit`, or
 * the command of one of our packages (`npx logto-dev-provider`).
 */
const uncheckedWalkthroughCommand = (
  variables: string,
  command: string,
  context: ReturnType<typeof walkthroughContext>,
): string | undefined => {
  if (command === 'npm install' || command === 'npx tsc --noEmit')
    return variables ? 'sets variables' : undefined;
  const bin = /^npx ([\w-]+)(?: --[\w-]+(?: \S+)?)*$/.exec(command);
  if (bin && context.bins.has(bin[1]!)) return undefined;
  const script = /^npm (?:start|run ([\w:-]+))$/.exec(command);
  if (!script) return 'is no walkthrough command';
  if (!context.scripts.has(script[1] ?? 'start'))
    return `runs the npm script ${script[1]}, which no walkthrough has`;
  const unread = unreadVariables(variables, context.source);
  return unread.length ? `sets ${unread.join(', ')}, which no walkthrough reads` : undefined;
};

/** Why a shell line cannot be checked against the repository, or `undefined` when it can. */
const uncheckedShellLine = (
  line: string,
  context: {
    readme: Set<string>;
    packages: Set<string>;
    walkthroughs: ReturnType<typeof walkthroughContext>;
  },
) => {
  if (context.readme.has(line)) return undefined;
  const install = /^(?:npm install|npm i|pnpm add|yarn add|bun add)\s+(-\S+\s+)*([^-].*)$/.exec(line);
  if (install) {
    const unknown = install[2]!
      .split(/\s+/)
      .filter((name) => !name.startsWith('-') && !context.packages.has(name));
    return unknown.length ? `installs ${unknown.join(', ')}, which no example uses` : undefined;
  }
  const rootScript = /^(?:npx -y pnpm@\S+|pnpm) ([\w:-]+)$/.exec(line);
  if (rootScript) {
    return rootScript[1]! in readJson('package.json').scripts
      ? undefined
      : `runs pnpm ${rootScript[1]}, which is no script`;
  }
  const script = /^npx tsx (docs\/examples\/[\w-]+\.ts)$/.exec(line);
  if (script)
    return existsSync(join(repoRoot, script[1]!)) ? undefined : `runs ${script[1]}, which does not exist`;
  const [, variables = '', command = line] = /^((?:[A-Z_]+=(?:"[^"]*"|\S+)\s+)*)(.*)$/.exec(line) ?? [];
  const start = /^(?:npx -y pnpm@\S+|pnpm) --dir examples\/([\w-]+) start$/.exec(command.trim());
  if (start) {
    const source = exampleSource(start[1]!);
    if (!source) return `starts examples/${start[1]}, which does not exist`;
    const unread = unreadVariables(variables, source);
    return unread.length ? `sets ${unread.join(', ')}, which examples/${start[1]} does not read` : undefined;
  }
  if (/^(?:npm|npx) /.test(command.trim())) {
    return uncheckedWalkthroughCommand(variables.trim(), command.trim(), context.walkthroughs);
  }
  return 'is neither a README line, an install of packages the examples use, an example start command nor a docs example';
};

/** The fenced code blocks of a page that are not checked shell commands. */
export const pastedCode = (page: string): string[] => {
  const context = { readme: readmeLines(), packages: installable(), walkthroughs: walkthroughContext() };
  const problems: string[] = [];
  const lines = readFileSync(page, 'utf8').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const open = /^\s{0,3}(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[index]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    while (++index < lines.length && !lines[index]!.trim().startsWith(fence)) body.push(lines[index]!);
    const where = `${relative(docsDir, page)}:${index - body.length}`;
    if (open[2] !== 'sh') {
      problems.push(
        `${where}: a \`${open[2] || 'plain'}\` block; import code from a compiled file with <<< instead`,
      );
      continue;
    }
    const commands = body
      .join('\n')
      .replace(/\\\n\s*/g, '')
      .split('\n');
    for (const command of commands
      .map((text) => text.trim())
      .filter((text) => text && !text.startsWith('#'))) {
      const why = uncheckedShellLine(command, context);
      if (why) problems.push(`${where}: "${command}" ${why}`);
    }
  }
  return problems;
};

/**
 * The packages of a walkthrough that its page does not install: a page that shows a walkthrough's
 * `package.json` must have install lines (`npm install …`, `npm install -D …`) naming every dependency.
 */
export const missingInstalls = (page: string): string[] => {
  const text = readFileSync(page, 'utf8');
  const installed = new Set(
    [...text.matchAll(/^npm install((?: +\S+)+)$/gm)].flatMap((line) =>
      line[1]!
        .trim()
        .split(/\s+/)
        .filter((word) => !word.startsWith('-')),
    ),
  );
  return [...text.matchAll(/^<<< @\/walkthroughs\/([\w-]+)\/package\.json/gm)].flatMap(([, name]) =>
    walkthroughPackages(name!)
      .filter((pkg) => !installed.has(pkg))
      .map(
        (pkg) =>
          `${relative(docsDir, page)}: shows walkthroughs/${name}/package.json but no install line names ${pkg}`,
      ),
  );
};

/** Every problem of every hand-written page. */
export const snippetProblems = (): string[] =>
  handWrittenPages().flatMap((page) => [
    ...brokenSnippets(page),
    ...pastedCode(page),
    ...missingInstalls(page),
  ]);
