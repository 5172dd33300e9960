/**
 * Reading the TSDoc and the types of the SDK's source with the TypeScript compiler API, for the pages
 * generated from it (the errors reference, the events of the state chart, the scopes table).
 *
 * @module
 */
import ts from 'typescript';
import { readRepoFile } from './paths.ts';

/** Parses a file of the repository (no type checking: the syntax is all the generators read). */
export const parseSource = (path: string): ts.SourceFile =>
  ts.createSourceFile(path, readRepoFile(path), ts.ScriptTarget.Latest, true);

/** A TSDoc comment as one Markdown line: `*` margins dropped, `{@link X}` as code, tags left out. */
const commentText = (raw: string): string =>
  raw
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .join('\n')
    .split(/\n\s*@/)[0]!
    .replace(/\{@link\s+([^}\s|]+)(?:\s*\|\s*[^}]*)?\}/g, '`$1`')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The TSDoc comment right before `node` (a declaration, a property), or `''`. For a union member the
 * comment stands before its `|`: pass the end of the previous member as `after`.
 */
export const docOf = (node: ts.Node, after = node.getFullStart()): string => {
  const text = node.getSourceFile().getFullText().slice(after, node.getStart());
  const last = text.match(/\/\*\*[\s\S]*?\*\//g)?.at(-1);
  return last ? commentText(last) : '';
};

/** The string literals of a type: `'a' | 'b'` → `['a', 'b']`; `'a'` → `['a']`. */
export const stringLiterals = (type: ts.TypeNode | undefined): string[] => {
  if (!type) return [];
  if (ts.isUnionTypeNode(type)) return type.types.flatMap(stringLiterals);
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  return [];
};

/** The property named `name` of a type literal. */
export const propertyOf = (type: ts.TypeLiteralNode, name: string): ts.PropertySignature | undefined =>
  type.members.find(
    (member): member is ts.PropertySignature =>
      ts.isPropertySignature(member) && member.name.getText() === name,
  );

/** Escapes text for a Markdown table cell. */
export const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
