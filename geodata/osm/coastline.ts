/**
 * The sea from natural=coastline ways. OSM draws no sea polygon: the coastline is a line with the
 * land on its left and the water on its right (https://wiki.openstreetmap.org/wiki/Tag:natural=coastline).
 * Within the data frame (the extent of the loaded ways but boundary ways, which reach far beyond an
 * extract; inside the clip box when there is one) the
 * coastline pieces and the frame outline are polygonised; each face votes by small probe points set
 * just right (water) and just left (land) of every coastline segment, and faces with more water
 * than land votes are the sea. Both probes of a segment inside one face cancel out, so a face no
 * coastline separates from another stays land: an extract without coastline gets no sea, and a
 * coastline that ends inside the frame (cut by the extract) splits nothing; its line is still drawn
 * (waterQuery), its sea is not guessed.
 */
import { q, type StagingTables } from './run-osm2pgsql.ts';

/**
 * SELECT yielding at most one row (source_id 'sea', kind 'sea', name, props, geom MultiPolygon
 * EPSG:4326) for the water layer; no row when the staging data holds no coastline or no sea face.
 */
export function seaSelect(s: StagingTables): string {
  // Probe offset in degrees: 1e-6° (≈ 0.1 m), or a quarter of a shorter segment, so a probe lands
  // in the face beside its own segment and not across a neighbouring edge.
  return `
    WITH coast AS (SELECT l.geom FROM ${q(s.line)} l WHERE l.tags->>'natural' = 'coastline'),
    frame AS (SELECT ST_SetSRID(ST_Extent(l.geom)::geometry, 4326) AS g FROM ${q(s.line)} l
              WHERE EXISTS (SELECT 1 FROM coast) AND l.tags <> '{}' AND NOT l.tags ? 'boundary'),
    piece AS (SELECT ST_CollectionExtract(ST_Intersection(c.geom, f.g), 2) AS g FROM coast c, frame f WHERE ST_Intersects(c.geom, f.g)),
    face AS (
      SELECT row_number() OVER () AS id, d.geom AS g
      FROM (SELECT ST_Polygonize(g) AS g FROM (SELECT ST_Union(g) AS g FROM (
              SELECT g FROM piece UNION ALL SELECT ST_Boundary(f.g) FROM frame f) n) u) p
      CROSS JOIN LATERAL ST_Dump(p.g) d
    ),
    seg AS (
      SELECT ST_X(ST_StartPoint(d.geom)) AS x0, ST_Y(ST_StartPoint(d.geom)) AS y0,
             ST_X(ST_EndPoint(d.geom)) AS x1, ST_Y(ST_EndPoint(d.geom)) AS y1
      FROM piece p CROSS JOIN LATERAL ST_DumpSegments(p.g) d
    ),
    probe AS (
      SELECT ST_SetSRID(ST_MakePoint((x0 + x1) / 2 + side * e * (y1 - y0) / len, (y0 + y1) / 2 - side * e * (x1 - x0) / len), 4326) AS p,
             side AS vote
      FROM (SELECT *, sqrt((x1 - x0) ^ 2 + (y1 - y0) ^ 2) AS len FROM seg) s0
      CROSS JOIN LATERAL (SELECT least(1e-6, len / 4) AS e) e0
      CROSS JOIN (VALUES (1), (-1)) AS v(side)  -- 1: right of the way (water), -1: left (land)
      WHERE len > 0
    ),
    sea AS (
      SELECT f.g FROM face f JOIN probe p ON ST_Intersects(f.g, p.p) GROUP BY f.id, f.g HAVING sum(p.vote) > 0
    )
    SELECT 'sea' AS source_id, 'sea' AS kind, NULL::text AS name,
      '{"derived_from": "natural=coastline"}'::jsonb AS props, ST_Multi(ST_Union(g)) AS geom
    FROM sea HAVING count(*) > 0`;
}
