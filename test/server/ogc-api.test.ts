import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../tiles/catalog.ts';
import { FeatureService } from '../../tiles/feature-service.ts';
import { testPool } from '../helpers/db.ts';
import { insertFixture, square, type Fixture } from '../tiles/fixtures.ts';
import { tileTestApp } from '../tiles/helpers.ts';

const DATASET = 'ogc_api_fixture';
const CENTER: [number, number] = [118.7586, 31.9216]; // away from the other fixtures
const GRID = 25; // extra buildings, so paging crosses several pages
let app: FastifyInstance;
let pool: pg.Pool;
let fx: Fixture;
let buildingIds: number[];

beforeAll(async () => {
  pool = testPool();
  fx = await insertFixture(pool, DATASET, CENTER, [118.55, 31.75]);
  const [lon, lat] = CENTER;
  for (let i = 0; i < GRID; i++) {
    await pool.query(
      `INSERT INTO app.building (name, use, levels, build_year, geom, dataset_id, source_id, check_year)
       VALUES ($1, 'residential', $2, $3, ST_GeomFromText($4, 4326), $5, $6, 2024)`,
      [i % 5 === 0 ? null : `楼${i}`, 1 + (i % 7), 1980 + i, square(lon - 0.003 + (i % 5) * 0.0005, lat - 0.003 + Math.floor(i / 5) * 0.0005, 0.0002), DATASET, `g${i}`],
    );
  }
  buildingIds = (await pool.query<{ id: string }>('SELECT id FROM tiles.buildings WHERE dataset_id = $1 ORDER BY id', [DATASET])).rows.map((r) => Number(r.id));
  app = await tileTestApp({ listen: false });
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await app.inject({ url, headers: { host: 'gis.example:8080', ...headers } });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body, body: String(res.headers['content-type']).includes('json') ? res.json() : undefined };
};
const cql = (filter: string) => `filter=${encodeURIComponent(`dataset_id = '${DATASET}' AND (${filter})`)}&filter-lang=cql2-text`;
/** Ids the database itself gives for a condition on this fixture's buildings. */
const dbIds = async (where: string, params: unknown[] = []) =>
  (await pool.query<{ id: string }>(`SELECT id FROM tiles.buildings t WHERE dataset_id = '${DATASET}' AND (${where}) ORDER BY id`, params)).rows.map((r) => Number(r.id));
const ids = (body: { features: { id: number }[] }) => body.features.map((f) => f.id);

describe('OGC API Features at /ogc', () => {
  it('answers the landing page as JSON by default and as HTML when asked', async () => {
    const json = await get('/ogc', { accept: 'application/json' });
    expect(json.type).toContain('application/json');
    const rels = Object.fromEntries(json.body.links.map((l: { rel: string; href: string }) => [l.rel, l.href]));
    expect(rels).toMatchObject({
      self: 'http://gis.example:8080/ogc', conformance: 'http://gis.example:8080/ogc/conformance',
      data: 'http://gis.example:8080/ogc/collections', 'service-desc': 'http://gis.example:8080/ogc/api',
    });
    expect((await get('/ogc')).type).toContain('application/json');
    const browser = await get('/ogc', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(browser.type).toContain('text/html');
    expect(browser.text).toContain('<a href="http://gis.example:8080/ogc/collections">');
    expect((await get('/ogc?f=html')).type).toContain('text/html');
    expect((await get('/ogc?f=json', { accept: 'text/html' })).type).toContain('application/json');
    expect((await get('/ogc?f=xml')).status).toBe(400);
  });

  it('declares CQL2-text filtering in conformance, at /ogc and at the root', async () => {
    for (const url of ['/ogc/conformance', '/conformance']) {
      const { body } = await get(url);
      expect(body.conformsTo).toEqual(expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
        'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
        'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
        'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
      ]));
    }
  });

  it('serves an OpenAPI 3.0 document of the API with paths relative to /ogc and the filter languages', async () => {
    const res = await get('/ogc/api');
    expect(res.type).toContain('application/vnd.oai.openapi+json;version=3.0');
    const doc = JSON.parse(res.text);
    expect(doc.servers).toEqual([{ url: 'http://gis.example:8080/ogc' }]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/', '/conformance', '/collections', '/collections/{collectionId}/items', '/collections/{collectionId}/queryables']));
    const lang = doc.paths['/collections/{collectionId}/items'].get.parameters.find((p: { name: string }) => p.name === 'filter-lang');
    expect(lang.schema.enum).toEqual(expect.arrayContaining(['cql2-text', 'cql-text']));
    const limit = doc.paths['/collections/{collectionId}/items'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 10000, default: 100 });
    expect(JSON.stringify(doc)).not.toContain('"/ogc/'); // paths are relative to the server URL
    const whole = (await get('/docs/json')).body;
    expect(whole.paths['/ogc/collections/{collectionId}/items'].get.parameters.find((p: { name: string }) => p.name === 'limit').schema).toEqual({ type: 'string' });
  });

  it('lists collections with their extents and links to items, queryables and schema under /ogc', async () => {
    const { body } = await get('/ogc/collections');
    const buildings = body.collections.find((c: { id: string }) => c.id === 'buildings');
    expect(buildings.extent.spatial.bbox[0]).toHaveLength(4);
    const links = Object.fromEntries(buildings.links.map((l: { rel: string; href: string }) => [l.rel, l.href]));
    expect(links).toMatchObject({
      items: 'http://gis.example:8080/ogc/collections/buildings/items',
      'http://www.opengis.net/def/rel/ogc/1.0/queryables': 'http://gis.example:8080/ogc/collections/buildings/queryables',
    });
    const schema = buildings.links.find((l: { rel: string; type: string }) => l.rel === 'describedby' && l.type === 'application/schema+json');
    expect(schema.href).toBe('http://gis.example:8080/ogc/collections/buildings/schema');
    const featureSchema = (await get('/ogc/collections/buildings/schema')).body;
    expect(featureSchema.properties.properties.properties).toMatchObject({ levels: { type: 'integer' }, height_m: { type: 'number' }, name: { type: 'string' } });
    const legacy = await get('/collections/buildings');
    expect(legacy.body.links.find((l: { rel: string }) => l.rel === 'items').href).toBe('http://gis.example:8080/collections/buildings/items');
  });

  it('describes the queryables of a collection as JSON Schema, typed from the layer', async () => {
    const schema = await get('/ogc/collections/waterlogging/queryables', { accept: 'application/schema+json' });
    expect(schema.type).toContain('application/schema+json');
    expect(schema.body.properties).toMatchObject({
      geometry: { format: 'geometry-any' }, name: { type: 'string' }, max_depth_cm: { type: 'number' }, check_year: { type: 'integer' },
      last_occurrence: { type: 'string', format: 'date' }, is_sample: { type: 'boolean' },
    });
    expect((await get('/ogc/collections/waterlogging/queryables')).type).toContain('application/json');
    expect((await get('/ogc/collections/nope/queryables')).status).toBe(404);
  });

  it('walks every page by id through next links, the same features as the database, numberMatched on the first page', async () => {
    const seen: number[] = [];
    let url: string | undefined = `/ogc/collections/buildings/items?limit=7&filter=${encodeURIComponent(`dataset_id='${DATASET}'`)}`;
    let first = true;
    while (url) {
      const { body } = await get(url);
      if (first) expect(body.numberMatched).toBe(buildingIds.length);
      else expect(new URL(body.links.find((l: { rel: string }) => l.rel === 'self').href).searchParams.get('after')).toBe(String(seen[seen.length - 1]));
      first = false;
      seen.push(...ids(body));
      const next = body.links.find((l: { rel: string }) => l.rel === 'next')?.href as string | undefined;
      url = next ? next.replace('http://gis.example:8080', '') : undefined;
    }
    expect(seen).toEqual(buildingIds);
    expect(buildingIds.length).toBe(GRID + fx.ids.buildings.length);
  });

  it('goes back with before= links and keeps offset working', async () => {
    const mine = `filter=${encodeURIComponent(`dataset_id='${DATASET}'`)}`;
    const page = await get(`/ogc/collections/buildings/items?limit=5&after=${buildingIds[9]}&${mine}`);
    expect(ids(page.body)).toEqual(buildingIds.slice(10, 15));
    expect(page.body.numberMatched).toBeUndefined();
    const prev = new URL(page.body.links.find((l: { rel: string }) => l.rel === 'prev').href);
    expect(prev.searchParams.get('before')).toBe(String(buildingIds[10]));
    const back = await get(prev.pathname + prev.search);
    expect(ids(back.body)).toEqual(buildingIds.slice(5, 10));
    const offset = await get(`/ogc/collections/buildings/items?limit=5&offset=10&${mine}`);
    expect(ids(offset.body)).toEqual(buildingIds.slice(10, 15));
    expect(new URL(offset.body.links.find((l: { rel: string }) => l.rel === 'next').href).searchParams.get('after')).toBe(String(buildingIds[14]));
    expect(new URL(offset.body.links.find((l: { rel: string }) => l.rel === 'prev').href).searchParams.get('offset')).toBe('5');
    expect((await get(`/ogc/collections/buildings/items?offset=3&after=${buildingIds[0]}`)).status).toBe(400);
    expect((await get('/ogc/collections/buildings/items?after=abc')).body.message).toContain('after must be a feature id');
  });

  it('defaults to pages of 100 and caps the limit at 10,000', async () => {
    const { body } = await get(`/ogc/collections/buildings/items?limit=999999&${cql('build_year >= 1980')}`);
    expect(new URL(body.links.find((l: { rel: string }) => l.rel === 'self').href).searchParams.get('limit')).toBe('10000');
    const plain = await get(`/ogc/collections/buildings/items?${cql('build_year >= 1980')}`);
    expect(new URL(plain.body.links.find((l: { rel: string }) => l.rel === 'self').href).searchParams.get('limit')).toBe('100');
  });

  it.each([
    ['build_year BETWEEN 1985 AND 1990', 'build_year BETWEEN 1985 AND 1990'],
    ['build_year NOT BETWEEN 1985 AND 1990', 'NOT (build_year BETWEEN 1985 AND 1990)'],
    ["name LIKE '楼1%'", "name LIKE '楼1%'"],
    ["name ILIKE '楼2_'", "name ILIKE '楼2_'"],
    ['levels IN (1, 3, 5)', 'levels IN (1, 3, 5)'],
    ['name IS NULL', 'name IS NULL'],
    ['NOT (levels > 2) OR build_year = 2004', 'NOT (levels > 2) OR build_year = 2004'],
    ['levels <> 3 AND name IS NOT NULL', 'levels <> 3 AND name IS NOT NULL'],
    [`S_INTERSECTS(geometry, BBOX(${CENTER[0] - 0.0032}, ${CENTER[1] - 0.0032}, ${CENTER[0] - 0.0018}, ${CENTER[1] - 0.0018}))`,
      `ST_Intersects(geom, ST_MakeEnvelope(${CENTER[0] - 0.0032}, ${CENTER[1] - 0.0032}, ${CENTER[0] - 0.0018}, ${CENTER[1] - 0.0018}, 4326))`],
    [`S_INTERSECTS(geometry, POINT(${CENTER[0] - 0.003} ${CENTER[1] - 0.003}))`, `ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${CENTER[0] - 0.003}, ${CENTER[1] - 0.003}), 4326))`],
    [`S_INTERSECTS(geometry, POLYGON((${CENTER[0] - 0.004} ${CENTER[1] - 0.004}, ${CENTER[0] - 0.002} ${CENTER[1] - 0.004}, ${CENTER[0] - 0.004} ${CENTER[1] - 0.002}, ${CENTER[0] - 0.004} ${CENTER[1] - 0.004})))`,
      `ST_Intersects(geom, ST_GeomFromText('POLYGON((${CENTER[0] - 0.004} ${CENTER[1] - 0.004}, ${CENTER[0] - 0.002} ${CENTER[1] - 0.004}, ${CENTER[0] - 0.004} ${CENTER[1] - 0.002}, ${CENTER[0] - 0.004} ${CENTER[1] - 0.004}))', 4326))`],
  ])('filters with CQL2 %s to the rows PostGIS selects for the same condition', async (filter, sqlWhere) => {
    const expected = await dbIds(sqlWhere);
    const { status, body } = await get(`/ogc/collections/buildings/items?limit=1000&${cql(filter)}`);
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected);
    expect(body.numberMatched).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(buildingIds.length);
  });

  it('matches labels of coded fields in CQL2 as in the short syntax', async () => {
    const byLabel = await get(`/ogc/collections/waterlogging/items?filter=${encodeURIComponent(`dataset_id = '${DATASET}' AND status IN ('未治理', 'Closed')`)}&filter-lang=cql2-text`);
    expect(byLabel.body.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['中山路积水点', '洪武路积水点']);
  });

  it('answers 400 with the position and the reason for a bad CQL2 filter, and for an unknown filter language', async () => {
    const bad = await get(`/ogc/collections/buildings/items?filter=${encodeURIComponent('levels > 2 AND nope = 1')}&filter-lang=cql2-text`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(`cql2-text filter: unknown property "nope"; queryables: ${Object.keys((await get('/ogc/collections/buildings')).body.properties).join(', ')} at position 16`);
    const syntax = await get(`/ogc/collections/buildings/items?filter=${encodeURIComponent('levels >')}&filter-lang=cql2-text`);
    expect(syntax.body.message).toBe('cql2-text filter: expected a property name or a value but found the end of the filter at position 9');
    expect((await get('/ogc/collections/buildings/items?filter=levels%3E2&filter-lang=sql')).status).toBe(400);
  });
});

describe('numberMatched', () => {
  it('is left out when the planner prices the count above the bound', async () => {
    const run = async (q: { text: string; values: readonly unknown[] }) => (await pool.query(q.text, q.values as unknown[])).rows;
    const q = { limit: 5, offset: 0, filter: `dataset_id='${DATASET}'` };
    expect((await new FeatureService(createCatalog(), run).items('buildings', q)).numberMatched).toBe(buildingIds.length);
    const bounded = await new FeatureService(createCatalog(), run, { countCostBound: 0 }).items('buildings', q);
    expect(bounded.numberMatched).toBeUndefined();
    expect(bounded.features).toHaveLength(5);
  });
});
