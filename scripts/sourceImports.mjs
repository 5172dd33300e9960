// The static imports of the TypeScript sources under packages/*/src, for the checks in this folder.
// Dependency-free: comments, strings, templates and regular expressions are blanked by a small
// scanner first, so a specifier quoted in a TSDoc example or a string never counts as an import.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The repository root (this file's parent folder). */
export const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Every `.ts` file under `packages/<name>/src`, as absolute paths, grouped by package folder name. */
export const sourceFilesByPackage = () => {
  const byPackage = new Map();
  const packagesDir = join(root, 'packages');
  for (const name of readdirSync(packagesDir).sort()) {
    const src = join(packagesDir, name, 'src');
    if (!existsSync(src)) continue;
    const files = [];
    const walk = (dir) => {
      for (const entry of readdirSync(dir).sort()) {
        if (entry === 'node_modules') continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(m|c)?tsx?$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
      }
    };
    walk(src);
    byPackage.set(name, files);
  }
  return byPackage;
};

/** Characters after which a `/` starts a regular expression rather than a division. */
const beforeRegExp = new Set([...'(,=:[!&|?{};+-*%<>~^', '']);
const keywordsBeforeRegExp =
  /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|await|yield)$/;

/**
 * `source` with comments blanked and the contents of strings, templates and regular expressions
 * replaced by spaces, except the contents of single- and double-quoted strings, which are kept (they
 * may be module specifiers). Line breaks are kept, so offsets and line numbers still match.
 */
export const blankNonCode = (source) => {
  const out = source.split('');
  const blank = (from, to) => {
    for (let index = from; index < to; index++) if (out[index] !== '\n') out[index] = ' ';
  };
  /** Brace depths at which an open template's `${` substitution started. */
  const templates = [];
  let depth = 0;
  let lastSignificant = '';
  let index = 0;
  const skipTemplateText = () => {
    // At the first character of template text: runs to the closing backtick or the next `${`.
    const start = index;
    while (index < source.length) {
      const char = source[index];
      if (char === '\\') index += 2;
      else if (char === '`') {
        blank(start, index);
        index++;
        lastSignificant = '`';
        return;
      } else if (char === '$' && source[index + 1] === '{') {
        blank(start, index);
        index += 2;
        templates.push(depth);
        depth++;
        lastSignificant = '{';
        return;
      } else index++;
    }
    blank(start, index);
  };
  while (index < source.length) {
    const char = source[index];
    const next = source[index + 1];
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', index);
      const stop = end === -1 ? source.length : end;
      blank(index, stop);
      index = stop;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      const stop = end === -1 ? source.length : end + 2;
      blank(index, stop);
      index = stop;
    } else if (char === "'" || char === '"') {
      index++;
      while (index < source.length && source[index] !== char && source[index] !== '\n')
        index += source[index] === '\\' ? 2 : 1;
      index++;
      lastSignificant = char;
    } else if (char === '`') {
      index++;
      skipTemplateText();
    } else if (
      char === '/' &&
      (beforeRegExp.has(lastSignificant) ||
        (lastSignificant === 'a' &&
          keywordsBeforeRegExp.test(source.slice(Math.max(0, index - 16), index).trimEnd())))
    ) {
      const start = index;
      index++;
      let inClass = false;
      while (index < source.length && source[index] !== '\n') {
        const current = source[index];
        if (current === '\\') index++;
        else if (current === '[') inClass = true;
        else if (current === ']') inClass = false;
        else if (current === '/' && !inClass) break;
        index++;
      }
      index++;
      blank(start + 1, index - 1);
      lastSignificant = '/';
    } else {
      if (char === '{') depth++;
      else if (char === '}') {
        depth--;
        if (templates.length > 0 && templates.at(-1) === depth) {
          templates.pop();
          index++;
          skipTemplateText();
          continue;
        }
      }
      if (!/\s/.test(char)) lastSignificant = /[\w$]/.test(char) ? 'a' : char;
      index++;
    }
  }
  return out.join('');
};

/** `import … from '…'`, `import '…'`, `export … from '…'`, type-only forms included. */
const importPattern =
  /(?:^|[;}\n])\s*(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s*)?(['"])([^'"\n]+)\1/g;

/** The module specifiers `source` imports statically, with the line of each. */
export const staticImports = (source) => {
  const code = blankNonCode(source);
  const imports = [];
  for (const match of code.matchAll(importPattern)) {
    const at = match.index + match[0].lastIndexOf(match[1] + match[2]);
    imports.push({ specifier: match[2], line: code.slice(0, at).split('\n').length });
  }
  return imports;
};

/** The file a relative `specifier` in `from` names, or `null` when it names no source file. */
export const resolveRelative = (from, specifier) => {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.(m|c)?js$/, '.$1ts'),
    base.replace(/\.jsx$/, '.tsx'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
};

/** `path` relative to the repository root, for messages. */
export const shown = (path) => relative(root, path);

/** The text of `path`. */
export const read = (path) => readFileSync(path, 'utf8');
