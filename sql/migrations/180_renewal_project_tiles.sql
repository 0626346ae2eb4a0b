-- Renewal projects (城市更新项目) as a tile layer, so a project's site drawn or modified on the map
-- shows in the next tile: a view in schema `tiles` shaped like those of migration 030 (declared
-- attributes, provenance props, geom EPSG:4326, geom_3857 for tiles), declared in tiles/layers.ts as
-- `renewal_projects`. Projects without a geometry are left out. Edits reach the tile cache through
-- the row trigger renewal_project_notify of migration 131 (the old and new extents).
-- content_class is joined with commas (basic,improvement) like estates.renovation_class.
-- is_sample is false: a project is a planner's record, never sample data.
CREATE VIEW tiles.renewal_projects AS
SELECT p.id, p.name, p.stage, p.plan_year, array_to_string(p.content_class, ',') AS content_class,
       p.investment_wan AS budget_wan, p.responsible AS department,
       false AS is_sample, p.check_year, p.dataset_id, p.geom, ST_Transform(p.geom, 3857) AS geom_3857
FROM app.renewal_project p
WHERE p.geom IS NOT NULL;
COMMENT ON VIEW tiles.renewal_projects IS
  'Tile layer renewal_projects: renewal projects with a drawn site (stage, plan year, content class, budget, department)';

-- The view's ST_Transform(geom, 3857) matches this index, so `geom_3857 && tile` can use it.
CREATE INDEX renewal_project_geom_3857_idx ON app.renewal_project USING gist (ST_Transform(geom, 3857));
