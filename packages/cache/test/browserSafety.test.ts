import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const sourceDir = join(import.meta.dirname, '..', 'src');
const sources = readdirSync(sourceDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: readFileSync(join(sourceDir, name), 'utf8') }));

describe('browser safety of src/', () => {
  it('imports no Node built-in module (the web app bundles this package)', () => {
    const nodeOnly = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const offenders = sources.flatMap(({ name, text }) =>
      [...text.matchAll(/from\s+'([^']+)'/g)]
        .map((match) => match[1] ?? '')
        .filter((specifier) => nodeOnly.has(specifier) || specifier.startsWith('node:'))
        .map((specifier) => `${name} imports ${specifier}`),
    );
    expect(sources.length).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });

  it('reads no process.env itself: the caller passes import.meta.env or process.env', () => {
    expect(sources.filter(({ text }) => /\bprocess\.env\b|\bprocess\./.test(stripComments(text))).map(({ name }) => name)).toEqual([]);
  });
});

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}
