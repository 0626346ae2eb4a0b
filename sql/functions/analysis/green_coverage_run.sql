-- analysis.green_coverage_run: computes park service-radius coverage (公园绿地服务半径覆盖率) for a
-- dataset and stores it as one app.coverage_run with its rule version: per city / admin unit
-- (app.coverage_unit), per estate (app.coverage_estate) and the shortfall / detour layers
-- (app.coverage_shortfall). Returns the run id.
-- Inputs: mode 'official' | 'walking' | 'both' (walking also needs the official area: it is clipped to it,
--   so both are always stored when walking is asked for); target 'residential_land' | 'estate';
--   dataset_id (NULL = all datasets); rules (jsonb from analysis.green_coverage_rules; NULL = defaults).
-- Areas are m² in the local UTM zone of the targets (analysis.coverage_metric_srid).
-- VOLATILE: writes the result tables (and session temp tables).
CREATE OR REPLACE FUNCTION analysis.green_coverage_run(
  mode text DEFAULT 'both',
  target text DEFAULT 'residential_land',
  dataset_id text DEFAULT NULL,
  rules jsonb DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET jit = off  -- row estimates of set-returning functions are guesses; JIT compiled for ~0.8 s per statement (issue 5 profiling)
AS $$
#variable_conflict use_column
DECLARE
  t0 timestamptz := clock_timestamp();
  v_rules jsonb := coalesce(rules, analysis.green_coverage_rules());
  v_srid integer;
  v_run bigint;
  v_walk boolean := mode IN ('walking', 'both');
  v_official geometry;
  v_walking geometry;
  v_min_share double precision := (v_rules->>'estate_covered_min_share')::float8;
  t_step timestamptz := clock_timestamp();
BEGIN
  IF mode IS NULL OR mode NOT IN ('official', 'walking', 'both') THEN
    RAISE EXCEPTION 'green coverage: mode must be official, walking or both, got %', coalesce(mode, 'NULL') USING ERRCODE = '22023';
  END IF;
  IF target IS NULL OR target NOT IN ('residential_land', 'estate', 'residential_building') THEN
    RAISE EXCEPTION 'green coverage: unknown target "%" (residential_land | estate | residential_building)', coalesce(target, 'NULL') USING ERRCODE = '22023';
  END IF;
  IF dataset_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM app.dataset d WHERE d.id = green_coverage_run.dataset_id) THEN
    RAISE EXCEPTION 'green coverage: unknown dataset "%"', dataset_id USING ERRCODE = '22023';
  END IF;

  SELECT CASE WHEN target = 'estate' THEN (SELECT ST_Extent(e.geom)::geometry FROM app.estate e WHERE green_coverage_run.dataset_id IS NULL OR e.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_run.dataset_id IN (ds.id, ds.city_id)))
              WHEN target = 'residential_building' THEN (SELECT ST_Extent(b.geom)::geometry FROM app.building b WHERE b.use = 'residential' AND (green_coverage_run.dataset_id IS NULL OR b.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_run.dataset_id IN (ds.id, ds.city_id))))
              ELSE (SELECT ST_Extent(l.geom)::geometry FROM app.base_landuse l WHERE l.kind = 'residential' AND (green_coverage_run.dataset_id IS NULL OR l.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_run.dataset_id IN (ds.id, ds.city_id)))) END
    INTO v_official;
  IF v_official IS NULL THEN
    RAISE EXCEPTION 'green coverage: no % in dataset %', replace(target, '_', ' '), coalesce(dataset_id, '(all)') USING ERRCODE = '22023';
  END IF;
  v_srid := analysis.coverage_metric_srid(ST_SetSRID(v_official, 4326));

  DROP TABLE IF EXISTS pg_temp.cov_target, pg_temp.cov_area, pg_temp.cov_svc;
  -- eligible parks once per run, with their metric geometry (not re-evaluated per estate)
  CREATE TEMP TABLE cov_svc AS
    SELECT sv.park_id, ST_Transform(sv.geom, v_srid) AS gm FROM analysis.green_coverage_services(v_rules, dataset_id, NULL) sv;
  CREATE TEMP TABLE cov_target AS SELECT * FROM analysis.green_coverage_targets(target, dataset_id, v_srid);
  CREATE INDEX ON cov_target USING gist (geom);
  CREATE INDEX ON cov_svc USING gist (gm);
  ANALYZE cov_target; ANALYZE cov_svc;  -- real row counts for the joins below
  RAISE DEBUG 'green coverage run: % % ms', 'targets', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();

  SELECT ST_Union(o.geom) INTO v_official FROM analysis.green_coverage_official_area(v_rules, dataset_id, NULL, v_srid) o;
  RAISE DEBUG 'green coverage run: % % ms', 'official area', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();
  IF v_walk THEN
    SELECT ST_Union(w.geom) INTO v_walking FROM analysis.green_coverage_walking_area(v_rules, dataset_id, NULL, v_srid) w;
  END IF;
  -- stored with CHECK (ST_IsValid) (migration 080); a union is valid in practice, this makes it certain
  v_official := coalesce(internal.valid_polygonal(v_official), ST_GeomFromText('POLYGON EMPTY', v_srid));
  IF v_walk THEN v_walking := coalesce(internal.valid_polygonal(v_walking), ST_GeomFromText('POLYGON EMPTY', v_srid)); END IF;
  RAISE DEBUG 'green coverage run: % % ms', 'walking area', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();

  INSERT INTO app.coverage_run (mode, target, dataset_id, rule_version, metric_srid, official_area, walking_area)
  VALUES (mode, target, dataset_id, v_rules || jsonb_build_object('metric_crs', 'EPSG:' || v_srid, 'mode', mode, 'target', target),
          v_srid, v_official, v_walking)
  RETURNING id INTO v_run;

  -- Covered part of each target (service areas subdivided so each intersection stays small).
  CREATE TEMP TABLE cov_area AS
    SELECT 'o'::text AS m, d.geom FROM ST_Subdivide(v_official, 255) AS d(geom)
    UNION ALL SELECT 'w', d.geom FROM ST_Subdivide(v_walking, 255) AS d(geom) WHERE v_walk;
  CREATE INDEX ON cov_area USING gist (geom);
  ANALYZE cov_area;
  -- areas kept beside the geometries: the stored (TOASTed) geometries are not decompressed again for them
  ALTER TABLE cov_target ADD COLUMN cov_o geometry, ADD COLUMN cov_w geometry,
    ADD COLUMN a_t double precision, ADD COLUMN a_o double precision, ADD COLUMN a_w double precision;
  UPDATE cov_target t SET
    cov_o = (SELECT ST_UnaryUnion(ST_Collect(ST_CollectionExtract(ST_Intersection(t.geom, a.geom), 3))) FROM cov_area a WHERE a.m = 'o' AND ST_Intersects(t.geom, a.geom)),
    cov_w = CASE WHEN v_walk THEN (SELECT ST_UnaryUnion(ST_Collect(ST_CollectionExtract(ST_Intersection(t.geom, a.geom), 3))) FROM cov_area a WHERE a.m = 'w' AND ST_Intersects(t.geom, a.geom)) END;
  UPDATE cov_target SET a_t = ST_Area(geom), a_o = ST_Area(cov_o), a_w = ST_Area(cov_w);
  RAISE DEBUG 'green coverage run: % % ms', 'covered targets', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();

  -- City and admin units.
  INSERT INTO app.coverage_unit (run_id, unit_kind, unit_id, name, target_m2, official_m2, walking_m2, residents, official_residents, walking_residents)
  SELECT v_run, 'city', 0, NULL, coalesce(sum(a_t), 0), coalesce(sum(a_o), 0),
         CASE WHEN v_walk THEN coalesce(sum(a_w), 0) END,
         sum(residents), sum(residents * coalesce(a_o, 0) / nullif(a_t, 0)),
         CASE WHEN v_walk THEN sum(residents * coalesce(a_w, 0) / nullif(a_t, 0)) END
  FROM cov_target;
  -- Admin units in the metric CRS once, and cut into small disjoint pieces (ST_Subdivide).
  DROP TABLE IF EXISTS pg_temp.cov_unit, pg_temp.cov_upiece;
  CREATE TEMP TABLE cov_unit AS
    SELECT au.level, au.id, au.name, ST_Transform(au.geom, v_srid) AS g
    FROM app.admin_unit au
    WHERE au.level IN ('district', 'subdistrict', 'community')
      AND (green_coverage_run.dataset_id IS NULL OR au.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_run.dataset_id IN (ds.id, ds.city_id)));
  CREATE TEMP TABLE cov_upiece AS SELECT u.id, d.geom FROM cov_unit u, ST_Subdivide(u.g, 128) AS d(geom);
  CREATE INDEX ON cov_unit USING gist (g);
  CREATE INDEX ON cov_upiece USING gist (geom);
  ANALYZE cov_unit; ANALYZE cov_upiece;
  INSERT INTO app.coverage_unit (run_id, unit_kind, unit_id, name, target_m2, official_m2, walking_m2, residents, official_residents, walking_residents)
  SELECT v_run, u.level, u.id, u.name, sum(x.a), sum(x.ao), CASE WHEN v_walk THEN sum(x.aw) END,
         sum(x.res), sum(x.res * x.ao / nullif(x.a, 0)), CASE WHEN v_walk THEN sum(x.res * x.aw / nullif(x.a, 0)) END
  FROM cov_unit u
  JOIN cov_target t ON ST_Intersects(u.g, t.geom)
  -- a target wholly inside its unit (ST_Covers, prepared on the unit) needs no intersection; one that
  -- straddles a unit boundary is intersected with the unit's small pieces, whose areas add up to its
  -- intersection with the unit (a piece that covers the target again needs none)
  CROSS JOIN LATERAL (SELECT ST_Covers(u.g, t.geom) AS inside OFFSET 0) c  -- OFFSET 0: evaluated once per pair
  LEFT JOIN LATERAL (
    SELECT sum(CASE WHEN pc.inside THEN t.a_t ELSE ST_Area(ST_Intersection(t.geom, p.geom)) END) AS a,
           sum(CASE WHEN pc.inside THEN coalesce(t.a_o, 0) ELSE coalesce(ST_Area(ST_Intersection(t.cov_o, p.geom)), 0) END) AS ao,
           sum(CASE WHEN pc.inside THEN coalesce(t.a_w, 0) ELSE coalesce(ST_Area(ST_Intersection(t.cov_w, p.geom)), 0) END) AS aw
    FROM cov_upiece p CROSS JOIN LATERAL (SELECT ST_Covers(p.geom, t.geom) AS inside) pc
    WHERE NOT c.inside AND p.id = u.id AND ST_Intersects(p.geom, t.geom)
  ) s ON true
  CROSS JOIN LATERAL (SELECT CASE WHEN c.inside THEN t.a_t ELSE s.a END AS a) a0
  CROSS JOIN LATERAL (SELECT a0.a,
                             CASE WHEN c.inside THEN coalesce(t.a_o, 0) ELSE s.ao END AS ao,
                             CASE WHEN c.inside THEN coalesce(t.a_w, 0) ELSE s.aw END AS aw,
                             t.residents * a0.a / nullif(t.a_t, 0) AS res) x
  GROUP BY u.level, u.id, u.name;
  RAISE DEBUG 'green coverage run: % % ms', 'units', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();

  -- Estates (always, whatever the target): covered shares, straight and walking distance.
  INSERT INTO app.coverage_estate (run_id, estate_id, name, residents, area_m2, official_share, walking_share,
                                   covered_official, covered_walking, straight_distance_m, straight_park_id)
  SELECT v_run, e.id, e.name, e.residents, ST_Area(g.g), s.so, s.sw, s.so >= v_min_share, s.sw >= v_min_share,
         np.d, np.park_id
  FROM app.estate e
  CROSS JOIN LATERAL (SELECT ST_Transform(e.geom, v_srid) AS g OFFSET 0) g  -- OFFSET 0: transformed once, not per reference
  CROSS JOIN LATERAL (
    -- an estate wholly inside one piece of the service area (ST_Covers) needs no intersection
    SELECT coalesce((SELECT sum(CASE WHEN ST_Covers(a.geom, g.g) THEN ST_Area(g.g) ELSE ST_Area(ST_Intersection(g.g, a.geom)) END) FROM cov_area a WHERE a.m = 'o' AND ST_Intersects(g.g, a.geom)), 0) / ST_Area(g.g) AS so,
           CASE WHEN v_walk THEN coalesce((SELECT sum(CASE WHEN ST_Covers(a.geom, g.g) THEN ST_Area(g.g) ELSE ST_Area(ST_Intersection(g.g, a.geom)) END) FROM cov_area a WHERE a.m = 'w' AND ST_Intersects(g.g, a.geom)), 0) / ST_Area(g.g) END AS sw
  ) s
  -- nearest park: the index (<->) gives an upper bound d0 on the nearest distance; every park within d0
  -- is then ranked exactly as before (ST_Distance, then park_id), so ties resolve the same way
  LEFT JOIN LATERAL (
    SELECT ST_Distance(g.g, sv.gm) AS d0 FROM cov_svc sv ORDER BY sv.gm <-> g.g LIMIT 1
  ) k ON true
  LEFT JOIN LATERAL (
    SELECT sv.park_id, ST_Distance(g.g, sv.gm) AS d
    FROM cov_svc sv
    WHERE ST_DWithin(sv.gm, g.g, k.d0)
    ORDER BY ST_Distance(g.g, sv.gm), sv.park_id LIMIT 1
  ) np ON true
  WHERE green_coverage_run.dataset_id IS NULL OR e.dataset_id IN (SELECT ds.id FROM app.dataset ds WHERE green_coverage_run.dataset_id IN (ds.id, ds.city_id));
  RAISE DEBUG 'green coverage run: % % ms', 'estates', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();
  IF v_walk THEN
    UPDATE app.coverage_estate ce SET walk_distance_m = d.walk_distance_m, nearest_park_id = d.park_id,
           nearest_park_name = (SELECT g.name FROM app.green_space g WHERE g.id = d.park_id)
    FROM analysis.green_coverage_estate_distance(v_rules, dataset_id, NULL, v_srid) d
    WHERE ce.run_id = v_run AND ce.estate_id = d.estate_id;
  END IF;
  RAISE DEBUG 'green coverage run: % % ms', 'estate walk distance', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();

  -- Shortfall (盲区) and detour layers, EPSG:4326, made valid after the reprojection: collected
  -- pieces may touch, and reprojected slivers may collapse (CHECK ST_IsValid, migration 080).
  IF target = 'residential_land' THEN
    -- Residential land pieces are disjoint (dumped from one dissolve), so their uncovered parts and
    -- their covered-but-not-walkable parts are too: collected without a union. Each piece is checked
    -- after the reprojection and repaired only if a sliver collapsed; the collection itself is checked
    -- by the table's CHECK (ST_IsValid), and only if that fails is it repaired as a whole. One
    -- ST_MakeValid over the whole city's collection was superlinear: 38 s of a 47 s official run at
    -- 10^6 buildings, for the one collapsed sliver it drops.
    DROP TABLE IF EXISTS pg_temp.cov_piece;
    CREATE TEMP TABLE cov_piece AS
      SELECT y.layer, CASE WHEN coalesce(q.path[1], 1) = 1 THEN y.a ELSE 0 END AS a, q.geom AS g4
      FROM (SELECT x.layer, ST_Area(p.geom) AS a, ST_Transform(p.geom, 4326) AS g
            FROM (SELECT 'uncovered_official'::text AS layer, CASE WHEN cov_o IS NULL THEN geom ELSE ST_Difference(geom, cov_o) END AS g FROM cov_target
                  UNION ALL
                  SELECT 'uncovered_walking', CASE WHEN cov_w IS NULL THEN geom ELSE ST_Difference(geom, cov_w) END FROM cov_target WHERE v_walk
                  UNION ALL
                  SELECT 'detour', CASE WHEN cov_w IS NULL THEN cov_o ELSE ST_Difference(cov_o, cov_w) END FROM cov_target WHERE v_walk AND cov_o IS NOT NULL) x,
                 ST_Dump(ST_CollectionExtract(x.g, 3)) p) y
      -- a repaired piece may come back in parts (its metric area kept on the first) or empty (one row, no geometry)
      LEFT JOIN LATERAL (SELECT d.geom, d.path FROM ST_Dump(CASE WHEN ST_IsValid(y.g) THEN y.g ELSE internal.valid_polygonal(y.g) END) d) q ON true;
    BEGIN
      INSERT INTO app.coverage_shortfall (run_id, layer, geom, area_m2)
      SELECT v_run, l.layer,
             CASE WHEN l.layer = 'detour' AND NOT EXISTS (SELECT 1 FROM cov_target WHERE cov_o IS NOT NULL) THEN NULL
                  ELSE coalesce(ST_Multi(c.g), ST_GeomFromText('MULTIPOLYGON EMPTY', 4326)) END,
             coalesce(c.a, 0)
      FROM (SELECT 'uncovered_official'::text AS layer UNION ALL SELECT 'uncovered_walking' WHERE v_walk
            UNION ALL SELECT 'detour' WHERE v_walk) l
      CROSS JOIN LATERAL (SELECT ST_Collect(p.g4) AS g, sum(p.a) AS a FROM cov_piece p WHERE p.layer = l.layer) c;
    EXCEPTION WHEN check_violation THEN
      INSERT INTO app.coverage_shortfall (run_id, layer, geom, area_m2)
      SELECT v_run, l.layer,
             CASE WHEN l.layer = 'detour' AND NOT EXISTS (SELECT 1 FROM cov_target WHERE cov_o IS NOT NULL) THEN NULL
                  ELSE coalesce(internal.valid_polygonal(c.g), ST_GeomFromText('MULTIPOLYGON EMPTY', 4326)) END,
             coalesce(c.a, 0)
      FROM (SELECT 'uncovered_official'::text AS layer UNION ALL SELECT 'uncovered_walking' WHERE v_walk
            UNION ALL SELECT 'detour' WHERE v_walk) l
      CROSS JOIN LATERAL (SELECT ST_Collect(p.g4) AS g, sum(p.a) AS a FROM cov_piece p WHERE p.layer = l.layer) c;
    END;
  ELSE
    INSERT INTO app.coverage_shortfall (run_id, layer, geom, area_m2)
    SELECT v_run, l.layer, internal.valid_polygonal(ST_Transform(l.g, 4326)), coalesce(ST_Area(l.g), 0)
    FROM (
      SELECT 'uncovered_official' AS layer, ST_UnaryUnion(ST_Collect(ST_CollectionExtract(CASE WHEN cov_o IS NULL THEN geom ELSE ST_Difference(geom, cov_o) END, 3))) AS g FROM cov_target
      UNION ALL
      SELECT 'uncovered_walking', ST_UnaryUnion(ST_Collect(ST_CollectionExtract(CASE WHEN cov_w IS NULL THEN geom ELSE ST_Difference(geom, cov_w) END, 3))) FROM cov_target WHERE v_walk
      UNION ALL
      SELECT 'detour', ST_UnaryUnion(ST_Collect(ST_CollectionExtract(CASE WHEN cov_w IS NULL THEN cov_o ELSE ST_Difference(cov_o, cov_w) END, 3))) FROM cov_target WHERE v_walk AND cov_o IS NOT NULL
    ) l
    WHERE v_walk OR l.layer = 'uncovered_official';
  END IF;
  RAISE DEBUG 'green coverage run: % % ms', 'shortfall layers', round(extract(epoch FROM clock_timestamp() - t_step) * 1000); t_step := clock_timestamp();

  UPDATE app.coverage_run r SET
    duration_ms = extract(epoch FROM clock_timestamp() - t0) * 1000,
    summary = (SELECT jsonb_build_object(
      'target_m2', u.target_m2, 'official_m2', u.official_m2, 'walking_m2', u.walking_m2,
      'official_pct', round((100 * u.official_m2 / nullif(u.target_m2, 0))::numeric, 3),
      'walking_pct', round((100 * u.walking_m2 / nullif(u.target_m2, 0))::numeric, 3),
      'detour_m2', (SELECT s.area_m2 FROM app.coverage_shortfall s WHERE s.run_id = v_run AND s.layer = 'detour'),
      'residents', u.residents,
      'official_residents_pct', round((100 * u.official_residents / nullif(u.residents, 0))::numeric, 3),
      'walking_residents_pct', round((100 * u.walking_residents / nullif(u.residents, 0))::numeric, 3),
      'eligible_parks', (SELECT count(*) FROM analysis.green_coverage_services(v_rules, green_coverage_run.dataset_id, NULL)),
      'estates', (SELECT count(*) FROM app.coverage_estate ce WHERE ce.run_id = v_run))
      FROM app.coverage_unit u WHERE u.run_id = v_run AND u.unit_kind = 'city')
  WHERE r.id = v_run;
  DROP TABLE IF EXISTS pg_temp.cov_target, pg_temp.cov_area, pg_temp.cov_svc, pg_temp.cov_unit, pg_temp.cov_upiece, pg_temp.cov_piece;
  RETURN v_run;
END $$;
COMMENT ON FUNCTION analysis.green_coverage_run IS
  'Computes and stores park service-radius coverage (official buffer and/or walking network) with its rule version; returns the run id';
