-- Facility catalog per city (issue 6): app.facility_type keeps the documented defaults
-- (indicators.md §5–6); a city (dataset) may override the walking-distance standard, the life-circle
-- tier and whether the complete-community checklist requires the type. NULL = use the default, so a
-- later change to a default reaches every city that did not override that field. Edits are audited
-- row by row and notified, as for app.facility_type (migration 040).

CREATE TABLE app.facility_type_city (
  dataset_id           text NOT NULL REFERENCES app.dataset (id) ON DELETE CASCADE,
  code                 text NOT NULL REFERENCES app.facility_type (code) ON DELETE CASCADE,
  standard_distance_m  double precision CHECK (standard_distance_m > 0),
  life_circle_tier     text CHECK (life_circle_tier IN ('5min', '10min', '15min', 'block')),
  complete_community   boolean,
  PRIMARY KEY (dataset_id, code)
);
COMMENT ON TABLE app.facility_type_city IS
  'Per-dataset (city) overrides of app.facility_type; NULL columns use the default';

CREATE TRIGGER facility_type_city_notify AFTER INSERT OR UPDATE OR DELETE ON app.facility_type_city
  FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_table_change();
CREATE TRIGGER facility_type_city_audit AFTER INSERT OR UPDATE OR DELETE ON app.facility_type_city
  FOR EACH ROW EXECUTE FUNCTION internal.audit_keyed_row();

-- The effective catalog: one row per type with dataset_id NULL (the defaults) and one per dataset
-- and type (coalesce(override, default)), with a flag per overridable field.
-- Read it with `WHERE dataset_id IS NOT DISTINCT FROM $1`.
CREATE VIEW app.facility_type_effective AS
SELECT NULL::text AS dataset_id, t.code, t.name_zh, t.name_en, t.category,
       t.life_circle_tier, t.standard_distance_m, t.complete_community,
       t.confidence, t.source, t.sort,
       false AS life_circle_tier_overridden, false AS standard_distance_overridden, false AS complete_community_overridden
FROM app.facility_type t
UNION ALL
SELECT d.id, t.code, t.name_zh, t.name_en, t.category,
       coalesce(o.life_circle_tier, t.life_circle_tier),
       coalesce(o.standard_distance_m, t.standard_distance_m),
       coalesce(o.complete_community, t.complete_community),
       t.confidence, t.source, t.sort,
       o.life_circle_tier IS NOT NULL, o.standard_distance_m IS NOT NULL, o.complete_community IS NOT NULL
FROM app.dataset d
CROSS JOIN app.facility_type t
LEFT JOIN app.facility_type_city o ON o.dataset_id = d.id AND o.code = t.code;
COMMENT ON VIEW app.facility_type_effective IS
  'Facility catalog in force: defaults (dataset_id NULL) and per dataset coalesce(app.facility_type_city, app.facility_type), with *_overridden flags';
