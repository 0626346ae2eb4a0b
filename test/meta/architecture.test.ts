/**
 * House rules that code review would otherwise have to remember (see ../shared/STYLE.md):
 * tiles/ and geodata/ never import Fastify, route files hold no SQL text, the client talks HTTP
 * only, and the whole project type-checks.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/config.ts';

function sources(dir: string, ext = /\.(ts|tsx)$/): string[] {
  const root = path.join(REPO_ROOT, dir);
  return fs
    .readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name) && !e.parentPath.includes('node_modules') && !e.parentPath.includes(`${path.sep}dist`))
    .map((e) => path.join(e.parentPath, e.name));
}

const rel = (f: string) => path.relative(REPO_ROOT, f);
const importsOf = (f: string) => [...fs.readFileSync(f, 'utf8').matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
/** Imports and re-exports with whether they are type-only (`import type …`, `export type … from`). */
const importStatementsOf = (f: string) =>
  [...fs.readFileSync(f, 'utf8').matchAll(/^\s*(import|export)\s+(type\s)?[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)]
    .map((m) => ({ module: m[3] ?? m[4], typeOnly: !!m[2] }));
/** A client import of the server's API contract (server/contract/*): allowed as a type-only import. */
const isContract = (from: string, module: string) => path.resolve(path.dirname(from), module).startsWith(path.join(REPO_ROOT, 'server/contract') + path.sep);

describe('architecture', () => {
  it.each(['tiles', 'geodata'])('%s/ never imports Fastify', (dir) => {
    const offenders = sources(dir).filter((f) => importsOf(f).some((m) => m === 'fastify' || m.startsWith('@fastify/') || m.includes('/server/')));
    expect(offenders.map(rel)).toEqual([]);
  });

  it('route files hold no SQL text', () => {
    const sqlText = /\b(SELECT\s+[\w*"(]|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+[\w."]+\s+SET)\b|\bsql`/;
    const offenders = sources('server/routes').filter((f) => sqlText.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map(rel)).toEqual([]);
  });

  it('the client talks HTTP only (no server, database or Node imports; the API contract as types only)', () => {
    const offenders = sources('client').flatMap((f) =>
      importStatementsOf(f)
        .filter(({ module: m, typeOnly }) => m === 'pg' || m === 'kysely' || m === 'fastify' || m.startsWith('node:')
          || (/\/(server|geodata|sql)\//.test(m) && !(typeOnly && isContract(f, m))))
        .map(({ module: m }) => `${rel(f)} → ${m}`));
    expect(offenders).toEqual([]);
  });

  it('the client takes its API types from the server\'s contract (type-only imports of server/contract)', () => {
    const users = sources('client').filter((f) => importStatementsOf(f).some(({ module: m, typeOnly }) => typeOnly && isContract(f, m)));
    expect(users.map(rel)).toEqual(expect.arrayContaining(['client/panels/green-coverage/green-coverage-api.ts', 'client/panels/life-circle/life-circle-api.ts', 'client/api/cities-api.ts']));
  });

  it('the whole project type-checks (tsc --noEmit)', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
