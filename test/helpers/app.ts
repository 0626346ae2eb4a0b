/** Builds the real app against the test database, for app.inject() tests. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { testDatabaseUrl } from './db.ts';

export function testApp(): Promise<FastifyInstance> {
  // Sign-in is off for the tests written before it existed; test/auth/ builds the app with it on.
  return buildApp({ databaseUrl: testDatabaseUrl(), logLevel: 'silent', statementTimeoutMs: 20_000, auth: { mode: 'off' } });
}
