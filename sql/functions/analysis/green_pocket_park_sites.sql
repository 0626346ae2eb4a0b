-- analysis.green_pocket_park_sites: pocket-park (口袋公园) site suggestion by greedy maximum coverage.
-- Candidates: user polygons (candidates, EPSG:4326) when given; otherwise non-park grass
-- (app.green_space kind 'grass') and app.base_landuse of candidate_kinds (default brownfield,
-- construction, greenfield, parking, vacant) of the run's dataset. A candidate must be ≥ min_area_m2
-- (geodesic; default the run's small-park threshold) and gets the service radius the run's rules give
-- a park of its size. Each round picks the candidate whose service area (official buffer, or walking
-- reach for mode 'walking') newly covers the most of the run's still-uncovered target land; the gains
-- are marginal, so they add up to the total change. Stops after k picks or when no candidate adds land.
-- Inputs: run_id, k (1–50), min_area_m2, mode 'official' | 'walking', candidates, candidate_kinds.
-- Output: pick (1…), candidate_id ('green:<id>', 'landuse:<id>', 'user:<n>'), name, kind, area_m2,
--   radius_m, gain_m2, gain_pct (points of coverage), coverage_pct_after, geom (GeoJSON, EPSG:4326).
-- STABLE: reads the stored run and candidate layers. 22023 on bad arguments.
CREATE OR REPLACE FUNCTION analysis.green_pocket_park_sites(
  run_id bigint,
  k integer DEFAULT 5,
  min_area_m2 double precision DEFAULT NULL,
  mode text DEFAULT 'official',
  candidates geometry DEFAULT NULL,
  candidate_kinds text[] DEFAULT ARRAY['brownfield', 'construction', 'greenfield', 'parking', 'vacant']
) RETURNS TABLE (pick integer, candidate_id text, name text, kind text, area_m2 double precision, radius_m double precision,
                 gain_m2 double precision, gain_pct double precision, coverage_pct_after double precision, geom jsonb)
LANGUAGE plpgsql STABLE
SET jit = off  -- see green_coverage_access.sql
AS $$
#variable_conflict use_column
DECLARE
  run app.coverage_run;
  x_rules jsonb;
  min_a double precision;
  uncovered geometry;
  target_m2 double precision;
  covered_m2 double precision;
  ids text[]; names text[]; kinds text[]; areas float8[]; radii float8[]; sas geometry[]; geoms geometry[];
  best integer; best_gain double precision; g double precision; i integer; n integer;
BEGIN
  SELECT * INTO run FROM app.coverage_run r WHERE r.id = green_pocket_park_sites.run_id;
  IF NOT FOUND THEN RAISE EXCEPTION 'pocket parks: unknown run %', run_id USING ERRCODE = '22023'; END IF;
  IF k IS NULL OR k NOT BETWEEN 1 AND 50 THEN RAISE EXCEPTION 'pocket parks: k must be 1–50' USING ERRCODE = '22023'; END IF;
  IF mode NOT IN ('official', 'walking') THEN RAISE EXCEPTION 'pocket parks: mode must be official or walking' USING ERRCODE = '22023'; END IF;
  IF mode = 'walking' AND run.walking_area IS NULL THEN
    RAISE EXCEPTION 'pocket parks: run % has no walking mode', run_id USING ERRCODE = '22023';
  END IF;
  x_rules := run.rule_version || '{"extra_only": true}';
  min_a := coalesce(min_area_m2, (run.rule_version->>'small_min_m2')::float8);
  IF min_a < 0 THEN RAISE EXCEPTION 'pocket parks: min_area_m2 must be ≥ 0' USING ERRCODE = '22023'; END IF;

  -- Reprojecting the stored (EPSG:4326) shortfall can leave near-coincident vertices that GEOS reads
  -- as invalid ("side location conflict"): repair it once here, keeping polygons only.
  SELECT ST_CollectionExtract(ST_MakeValid(ST_Transform(s.geom, run.metric_srid)), 3) INTO uncovered FROM app.coverage_shortfall s
  WHERE s.run_id = run.id AND s.layer = CASE WHEN mode = 'walking' THEN 'uncovered_walking' ELSE 'uncovered_official' END;
  SELECT u.target_m2, CASE WHEN mode = 'walking' THEN u.walking_m2 ELSE u.official_m2 END INTO target_m2, covered_m2
  FROM app.coverage_unit u WHERE u.run_id = run.id AND u.unit_kind = 'city';
  IF uncovered IS NULL OR ST_IsEmpty(uncovered) THEN RETURN; END IF;

  WITH c AS (
    SELECT 'user:' || d.n AS cid, 'user ' || d.n AS cname, 'user' AS ckind, d.geom AS g
    FROM ST_Dump(ST_CollectionExtract(candidates, 3)) WITH ORDINALITY AS d(path, geom, n) WHERE candidates IS NOT NULL
    UNION ALL
    SELECT 'green:' || gs.id, gs.name, gs.kind, gs.geom FROM app.green_space gs
    WHERE candidates IS NULL AND gs.kind = 'grass' AND NOT gs.is_park
      AND (run.dataset_id IS NULL OR gs.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE run.dataset_id IN (ds.id, ds.city_id)))
    UNION ALL
    SELECT 'landuse:' || l.id, l.name, l.kind, l.geom FROM app.base_landuse l
    WHERE candidates IS NULL AND l.kind = ANY (candidate_kinds)
      AND (run.dataset_id IS NULL OR l.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE run.dataset_id IN (ds.id, ds.city_id)))
  ), sized AS (
    SELECT c.*, ST_Area(c.g::geography) AS a FROM c
  ), rated AS (
    SELECT s.*, analysis.green_service_radius(s.a, false, run.rule_version) AS r FROM sized s WHERE s.a >= min_a
  ), served AS (
    SELECT rt.*, CASE WHEN mode = 'official' THEN ST_Buffer(ST_Transform(rt.g, run.metric_srid), rt.r)
                      ELSE (SELECT ST_Union(w.geom) FROM analysis.green_coverage_walking_area(x_rules, run.dataset_id, rt.g, run.metric_srid) w) END AS sa
    FROM rated rt WHERE rt.r IS NOT NULL
  )
  SELECT array_agg(cid ORDER BY cid), array_agg(cname ORDER BY cid), array_agg(ckind ORDER BY cid), array_agg(a ORDER BY cid),
         array_agg(r ORDER BY cid), array_agg(sa ORDER BY cid), array_agg(g ORDER BY cid)
    INTO ids, names, kinds, areas, radii, sas, geoms
  FROM served WHERE sa IS NOT NULL AND ST_Intersects(sa, uncovered);
  n := coalesce(array_length(ids, 1), 0);

  FOR i IN 1..k LOOP
    best := NULL; best_gain := 0;
    FOR j IN 1..n LOOP
      CONTINUE WHEN sas[j] IS NULL;
      g := ST_Area(ST_Intersection(uncovered, sas[j]));
      IF g > best_gain + 1e-6 THEN best := j; best_gain := g; END IF;
    END LOOP;
    EXIT WHEN best IS NULL;
    uncovered := ST_Difference(uncovered, sas[best]);
    covered_m2 := covered_m2 + best_gain;
    pick := i; candidate_id := ids[best]; name := names[best]; kind := kinds[best]; area_m2 := areas[best];
    radius_m := radii[best]; gain_m2 := best_gain; gain_pct := 100 * best_gain / nullif(target_m2, 0);
    coverage_pct_after := 100 * covered_m2 / nullif(target_m2, 0);
    geom := ST_AsGeoJSON(geoms[best], 7)::jsonb;
    RETURN NEXT;
    sas[best] := NULL;
  END LOOP;
END $$;
COMMENT ON FUNCTION analysis.green_pocket_park_sites IS
  'Greedy maximum-coverage pocket-park site suggestion with the marginal gain of each pick';
