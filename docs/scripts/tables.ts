/**
 * Tables generated from the source: `UserInfoScope` (each constant, its value and, from its TSDoc, the
 * claims it unlocks) and `LogtoClientOptions` (the client's ports and tunables).
 *
 * @module
 */
import ts from 'typescript';
import { cell, docOf, parseSource } from './source.ts';

/** `UserInfoScope`'s members: name, scope value and TSDoc. */
export const userInfoScopes = (): { name: string; value: string; doc: string }[] => {
  const source = parseSource('packages/core/src/oidc/scopes.ts');
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const declaration = statement.declarationList.declarations[0];
    if (declaration?.name.getText() !== 'UserInfoScope' || !declaration.initializer) continue;
    let object: ts.Expression = declaration.initializer;
    while (ts.isAsExpression(object) || ts.isSatisfiesExpression(object)) object = object.expression;
    if (!ts.isObjectLiteralExpression(object)) break;
    return object.properties
      .filter(ts.isPropertyAssignment)
      .flatMap((property) =>
        ts.isStringLiteral(property.initializer)
          ? [{ name: property.name.getText(), value: property.initializer.text, doc: docOf(property) }]
          : [],
      );
  }
  throw new Error('scopes.ts has no UserInfoScope object');
};

/** The generated Markdown table. */
export const renderScopes =
  (): string => `<!-- Generated from UserInfoScope (packages/core/src/oidc/scopes.ts) by docs/scripts/scopes.ts. Do not edit. -->

| \`UserInfoScope\` | Scope | Claims it unlocks |
| --- | --- | --- |
${userInfoScopes()
  .map(({ name, value, doc }) => `| \`${name}\` | \`${value}\` | ${cell(doc)} |`)
  .join('\n')}
`;

/** The members of an exported interface, with their TSDoc. */
export const interfaceMembers = (
  path: string,
  name: string,
): { name: string; optional: boolean; doc: string }[] => {
  const source = parseSource(path);
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === name,
  );
  if (!declaration) throw new Error(`${path} has no interface ${name}`);
  return declaration.members.filter(ts.isPropertySignature).map((member) => ({
    name: member.name.getText(),
    optional: member.questionToken !== undefined,
    doc: docOf(member),
  }));
};

/** The ports and tunables of `LogtoClient`, from `LogtoClientOptions` in `runtime/LogtoClient.ts`. */
export const renderClientOptions =
  (): string => `<!-- Generated from LogtoClientOptions (packages/core/src/runtime/LogtoClient.ts) by docs/scripts/tables.ts. Do not edit. -->

| Option | What it is |
| --- | --- |
${interfaceMembers('packages/core/src/runtime/LogtoClient.ts', 'LogtoClientOptions')
  .map(({ name, doc }) => `| \`${name}\` | ${cell(doc || '—')} |`)
  .join('\n')}
`;
