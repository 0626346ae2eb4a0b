import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadCheck, UploadJob } from '../../server/contract/uploads.ts';
import { uploadStore } from '../../server/uploads/upload-store.ts';
import { CITY_A, CITY_B, addUser, authApp, authDatabase, signIn, type Client } from '../auth/auth-app.ts';

const FIX = path.resolve('test/uploads/fixtures');
const MAPPING = JSON.parse(await fs.readFile(path.join(FIX, 'mapping.json'), 'utf8')) as { columns: Record<string, string> };
const LIMIT = 200 * 1024;

let url: string;
let app: FastifyInstance;
let pool: pg.Pool;
let planner: Client;
let plannerId: number;
let uploadDir: string;

/** A multipart/form-data body with one file field, as a browser's FormData sends it. */
function multipart(fileName: string, content: Buffer, field = 'file') {
  const boundary = '----citycheck-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

async function upload(c: Client, fixture: string): Promise<string> {
  const body = multipart(fixture, await fs.readFile(path.join(FIX, fixture)));
  const res = await c.inject({ method: 'POST', url: '/api/uploads', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const options = { dataset: CITY_A, layer: 'waterlogging_point', crs: 'wgs84', checkYear: 2026, mapping: MAPPING };

/** Polls the job until it is no longer queued or running (a bounded number of polls, no timing assertion). */
async function finished(c: Client, id: string): Promise<UploadJob> {
  for (let i = 0; i < 300; i++) {
    const res = await c.inject({ method: 'GET', url: `/api/uploads/${id}/import` });
    expect(res.statusCode, res.body).toBe(200);
    const job = res.json() as UploadJob;
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import of upload ${id} did not finish`);
}

/** Row count and md5 of the tables an import writes. */
async function written(): Promise<string> {
  const { rows } = await pool.query(`
    SELECT (SELECT count(*) || ':' || coalesce(md5(string_agg(w::text, '|' ORDER BY w.id)), '') FROM app.waterlogging_point w)
        || '/' || (SELECT count(*) FROM app.import_run) || '/' || (SELECT count(*) FROM app.import_error)
        || '/' || (SELECT count(*) FROM app.dataset) AS s`);
  return rows[0].s as string;
}

beforeAll(async () => {
  url = await authDatabase('upload');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'citycheck-upload-test-'));
  app = await authApp(url, { uploads: { limitBytes: LIMIT, dir: uploadDir } });
  plannerId = await addUser(app, 'wang.planner', 'planner', CITY_A);
  await addUser(app, 'zhao.viewer', 'viewer');
  await addUser(app, 'li.admin', 'admin');
  planner = await signIn(app, 'wang.planner');
}, 60_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
  if (uploadDir) await fs.rm(uploadDir, { recursive: true, force: true });
});

describe('ledger uploads', () => {
  it('previews the mapping, the rows as they would land and the row errors, and writes nothing', async () => {
    const id = await upload(planner, 'waterlogging-bad.csv');
    const before = await written();
    const res = await planner.inject({ method: 'POST', url: `/api/uploads/${id}/check`, payload: options });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json() as UploadCheck;
    expect(await written()).toBe(before);
    expect(c.city.dataset).toBe(CITY_A);
    expect(c.ledgerDataset).toBe(`${CITY_A}-ledger`);
    expect(c.effective.crs).toEqual({ value: 'wgs84', origin: 'request' });
    expect(c.effective.checkYear).toEqual({ value: 2026, origin: 'request' });
    expect(c.columns.map((x) => [x.header, x.role, x.field, x.how])).toEqual([
      ['台账号', 'id', null, 'mapping'], ['点位名称及位置', 'field', 'name', 'mapping'], ['风险', 'field', 'severity', 'mapping'],
      ['X', 'lon', null, 'mapping'], ['Y', 'lat', null, 'mapping'], ['联系电话', 'ignore', null, 'mapping'],
    ]);
    expect(c.idColumn).toBe('台账号');
    expect(c.rowsIn).toBe(3);
    expect(c.wouldLoad).toBe(0);
    const errors = c.issues.filter((i) => i.severity === 'error');
    expect(errors.map((e) => e.row)).toEqual([2]);
    // The valid rows are still staged and shown as they would land; the phone number is not kept.
    expect(c.rows.map((r) => [r.row, r.sourceId, r.attrs.name, r.attrs.severity, r.where])).toEqual([
      [1, 'WL-001', '上传路与示例街交叉口', 'high', 'POINT(118.7011 32.0005)'],
      [3, 'WL-003', '上传小区北门', 'low', 'POINT(118.7033 32.0009)'],
    ]);
    expect(JSON.stringify(c.rows)).not.toContain('13800000000');
  });

  it('rejects a file with row errors: nothing lands, the run and its row report are kept and downloadable as CSV', async () => {
    const id = await upload(planner, 'waterlogging-bad.csv');
    const start = await planner.inject({ method: 'POST', url: `/api/uploads/${id}/import`, payload: options });
    expect(start.statusCode, start.body).toBe(202);
    const job = await finished(planner, id);
    expect(job.status).toBe('rejected');
    expect(job.rowsLoaded).toBe(0);
    expect(job.rowsRejected).toBe(1);
    expect(job.issues.filter((i) => i.severity === 'error').map((i) => i.row)).toEqual([2]);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM app.waterlogging_point WHERE dataset_id = $1`, [`${CITY_A}-ledger`]);
    expect(rows[0].n).toBe(0);
    const csv = await planner.inject({ method: 'GET', url: `/api/uploads/${id}/errors.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(lines[0]).toBe('row,field,severity,message');
    expect(lines.some((l) => /^2,[^,]*,error,/.test(l))).toBe(true);
  });

  it('imports the fixed file in the background, and a re-upload after a fix updates the same rows in place', async () => {
    const id = await upload(planner, 'waterlogging-fixed.csv');
    expect((await planner.inject({ method: 'POST', url: `/api/uploads/${id}/import`, payload: options })).statusCode).toBe(202);
    const job = await finished(planner, id);
    expect(job.status, job.message ?? '').toBe('succeeded');
    expect(job.rowsLoaded).toBe(3);
    expect(job.progress).toEqual([]); // progress lines are for a running import only
    // The background import still names the planner who started it.
    const run = await pool.query(`SELECT user_id FROM app.import_run WHERE id = $1`, [job.runId]);
    expect(Number(run.rows[0].user_id)).toBe(plannerId);
    const q = () => pool.query<{ id: string; source_id: string; severity: string; props: Record<string, unknown> }>(
      `SELECT id, source_id, severity, props FROM app.waterlogging_point WHERE dataset_id = $1 ORDER BY source_id`, [`${CITY_A}-ledger`]);
    const first = (await q()).rows;
    expect(first.map((r) => [r.source_id, r.severity])).toEqual([['WL-001', 'high'], ['WL-002', 'medium'], ['WL-003', 'low']]);
    expect(JSON.stringify(first)).not.toContain('13800000000');
    const city = await pool.query(`SELECT city_id FROM app.dataset WHERE id = $1`, [`${CITY_A}-ledger`]);
    expect(city.rows[0].city_id).toBe(CITY_A);

    const again = await upload(planner, 'waterlogging-fixed-again.csv');
    expect((await planner.inject({ method: 'POST', url: `/api/uploads/${again}/import`, payload: options })).statusCode).toBe(202);
    expect((await finished(planner, again)).status).toBe('succeeded');
    const second = (await q()).rows;
    expect(second.map((r) => [r.id, r.source_id, r.severity])).toEqual(first.map((r, i) => [r.id, r.source_id, i === 0 ? 'low' : r.severity]));
  });

  it('answers 413 naming the limit for a file over it, and stores nothing', async () => {
    const big = Buffer.concat([await fs.readFile(path.join(FIX, 'waterlogging-fixed.csv')), Buffer.from(`${'WL-9,x,高,118.7,32.0,\n'.repeat(10_000)}`)]);
    expect(big.length).toBeGreaterThan(LIMIT);
    const before = await fs.readdir(uploadDir);
    const res = await planner.inject({ method: 'POST', url: '/api/uploads', ...multipart('big.csv', big) });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toContain('upload limit of 0.0 MiB'.replace('0.0', (LIMIT / 1024 / 1024).toFixed(1)));
    expect(await fs.readdir(uploadDir)).toEqual(before);
  });

  it('previews a GeoPackage and a zipped Shapefile through the same dry run', async () => {
    const mapping = { columns: { bh: 'id', mc: 'name', fx: 'severity' } };
    for (const fixture of ['waterlogging-points.gpkg', 'waterlogging-points-shp.zip']) {
      const id = await upload(planner, fixture);
      const res = await planner.inject({ method: 'POST', url: `/api/uploads/${id}/check`, payload: { ...options, mapping } });
      expect(res.statusCode, res.body).toBe(200);
      const c = res.json() as UploadCheck;
      expect(c.issues.filter((i) => i.severity === 'error'), fixture).toEqual([]);
      expect(c.rows.map((r) => [r.sourceId, r.attrs.name, r.attrs.severity, r.where]), fixture).toEqual([
        ['G-1', '测试积水点甲', 'high', 'POINT(118.7041 32.0012)'], ['G-2', '测试积水点乙', 'low', 'POINT(118.7052 32.0015)'],
      ]);
    }
  });

  it('removes uploads older than the keep period, and only those', async () => {
    const fresh = await upload(planner, 'waterlogging-fixed.csv');
    const old = await upload(planner, 'waterlogging-fixed.csv');
    const past = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    await fs.utimes(path.join(uploadDir, old), past, past);
    expect(await uploadStore(uploadDir, LIMIT).prune(7 * 24 * 3600 * 1000)).toBe(1);
    expect((await planner.inject({ method: 'POST', url: `/api/uploads/${old}/check`, payload: options })).statusCode).toBe(404);
    expect((await planner.inject({ method: 'POST', url: `/api/uploads/${fresh}/check`, payload: options })).statusCode).toBe(200);
  });

  it('imports an uploaded OSM extract as a new city in the background (admins only), the CLI\'s OSM import', async () => {
    const osm = await fs.readFile(path.resolve('test/fixtures/osm/walk-topology.osm.xml'));
    const admin = await signIn(app, 'li.admin');
    const res = await admin.inject({ method: 'POST', url: '/api/uploads', ...multipart('小镇.osm', osm) });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expect(res.json().format).toBe('osm');
    const body = { dataset: 'upload-osm-town', name: '上传小镇', checkYear: 2026 };
    expect((await planner.inject({ method: 'POST', url: `/api/uploads/${id}/import-osm`, payload: body })).statusCode).toBe(403);
    const asLedger = await admin.inject({ method: 'POST', url: `/api/uploads/${id}/check`, payload: { ...options, dataset: CITY_A } });
    expect(asLedger.statusCode).toBe(400);
    expect(asLedger.json().message).toContain('import-osm');
    const start = await admin.inject({ method: 'POST', url: `/api/uploads/${id}/import-osm`, payload: body });
    expect(start.statusCode, start.body).toBe(202);
    const job = await finished(admin, id);
    expect(job.status, job.message ?? '').toBe('succeeded');
    expect(job.targetDataset).toBe('upload-osm-town');
    const { rows } = await pool.query(`SELECT d.name, d.city_id, (SELECT count(*)::int FROM app.walk_edge e WHERE e.dataset_id = d.id) AS edges
                                       FROM app.dataset d WHERE d.id = 'upload-osm-town'`);
    expect(rows[0]).toMatchObject({ name: '上传小镇', city_id: null });
    expect(rows[0].edges).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a file type the importer cannot read, an unknown upload and a mapping that does not fit the layer', async () => {
    const res = await planner.inject({ method: 'POST', url: '/api/uploads', ...multipart('ledger.docx', Buffer.from('x')) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/Unsupported file type "\.docx"/);
    const missing = await planner.inject({ method: 'POST', url: '/api/uploads/00000000-0000-0000-0000-000000000000/check', payload: options });
    expect(missing.statusCode).toBe(404);
    const id = await upload(planner, 'waterlogging-fixed.csv');
    const bad = await planner.inject({ method: 'POST', url: `/api/uploads/${id}/import`, payload: { ...options, mapping: { columns: { 风险: 'no_such_field' } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('no_such_field');
    const crs = await planner.inject({ method: 'POST', url: `/api/uploads/${id}/check`, payload: { ...options, crs: 'utm50' } });
    expect(crs.statusCode).toBe(400);
  });

  it('needs a signed-in planner of the city: 401 without sign-in, 403 for a viewer and for another city', async () => {
    const body = multipart('w.csv', await fs.readFile(path.join(FIX, 'waterlogging-fixed.csv')));
    expect((await app.inject({ method: 'POST', url: '/api/uploads', ...body })).statusCode).toBe(401);
    const viewer = await signIn(app, 'zhao.viewer');
    expect((await viewer.inject({ method: 'POST', url: '/api/uploads', ...body })).statusCode).toBe(403);
    const id = await upload(planner, 'waterlogging-fixed.csv');
    expect((await viewer.inject({ method: 'GET', url: `/api/uploads/${id}/import` })).statusCode).toBe(403);
    const other = await planner.inject({ method: 'POST', url: `/api/uploads/${id}/import`, payload: { ...options, dataset: CITY_B } });
    expect(other.statusCode).toBe(403);
  });
});
