import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig, ConfigError } from '../../server/config.ts';
import { classifyError } from '../../server/plugins/error-handler.ts';
import { testApp } from '../helpers/app.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(() => app.close());

describe('GET /api/health', () => {
  it('reports the database as reachable with PostGIS and pgRouting versions', async () => {
    const res = await app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.database).toBe('reachable');
    expect(body.postgis).toMatch(/^3\./);
    expect(body.pgrouting).toMatch(/^3\./);
    expect(typeof body.dataLoaded).toBe('boolean');
  });

  it('answers 503 with a message when the database is unreachable', async () => {
    const down = await buildApp({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', logLevel: 'silent' });
    try {
      const res = await down.inject('/api/health');
      expect(res.statusCode).toBe(503);
      expect(res.json().database).toBe('unreachable');
    } finally {
      await down.close();
    }
  });
});

describe('error handling', () => {
  it('answers unknown API routes with a JSON 404', async () => {
    const res = await app.inject('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/No route/);
  });

  it('maps a statement timeout to 503 with Retry-After and data errors to 400', () => {
    const timeout = classifyError(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }));
    expect(timeout.status).toBe(503);
    expect(timeout.headers?.['retry-after']).toBeDefined();
    expect(classifyError(Object.assign(new Error('invalid input syntax'), { code: '22P02' })).status).toBe(400);
    const hidden = classifyError(new Error('secret detail'));
    expect(hidden).toMatchObject({ status: 500, message: 'Internal server error' });
  });

  it('serves the OpenAPI document', async () => {
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/health']).toBeDefined();
  });
});

describe('config', () => {
  it('rejects a bad PORT with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBeUndefined();
  });
});
