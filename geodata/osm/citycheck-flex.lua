-- osm2pgsql (1.8) flex style for CityCheck: a deliberately "dumb" loader.
-- It only copies tags (jsonb), geometry (EPSG:4326) and, for ways, the ordered node ids into
-- run-private staging tables. Every classification (building use, facility type, walking rules)
-- happens afterwards in SQL from the TypeScript mapping tables in geodata/osm/*-mapping.ts, so the
-- mapping is written once and is testable against app.facility_type.
--
-- Environment: CITYCHECK_STAGING_PREFIX  table-name prefix, unique per import run (e.g. osm_r12_).

local prefix = os.getenv('CITYCHECK_STAGING_PREFIX') or 'osm_'
if not prefix:match('^[a-z0-9_]+$') then error('bad CITYCHECK_STAGING_PREFIX') end

local tables = {}

-- Tagged nodes: facilities, entrances, heritage points, place labels, POIs.
tables.point = osm2pgsql.define_table{
  name = prefix .. 'point', schema = 'staging',
  ids = { type = 'node', id_column = 'osm_id' },
  columns = {
    { column = 'tags', type = 'jsonb' },
    { column = 'geom', type = 'point', projection = 4326, not_null = true },
  },
}

-- Every tagged way, and every member way of a boundary relation (tagged or not, see stage 2
-- below), as a line with its node ids (walking network topology, roads, rail, water lines,
-- coastline, boundary completeness).
tables.line = osm2pgsql.define_table{
  name = prefix .. 'line', schema = 'staging',
  ids = { type = 'way', id_column = 'osm_id' },
  columns = {
    { column = 'tags', type = 'jsonb' },
    { column = 'nodes', sql_type = 'int8[]' },
    { column = 'geom', type = 'linestring', projection = 4326, not_null = true },
  },
}

-- Closed ways and multipolygon relations with area-like tags.
tables.area = osm2pgsql.define_table{
  name = prefix .. 'area', schema = 'staging',
  ids = { type = 'area', id_column = 'osm_id' },  -- ways > 0, relations < 0
  columns = {
    { column = 'tags', type = 'jsonb' },
    { column = 'geom', type = 'geometry', projection = 4326, not_null = true },
  },
}

-- boundary=administrative relations; geom is NULL when the relation is incomplete (extracts).
tables.boundary = osm2pgsql.define_table{
  name = prefix .. 'boundary', schema = 'staging',
  ids = { type = 'relation', id_column = 'osm_id' },
  columns = {
    { column = 'tags', type = 'jsonb' },
    { column = 'way_ids', sql_type = 'int8[]' },
    { column = 'label_node_ids', sql_type = 'int8[]' },
    { column = 'geom', type = 'geometry', projection = 4326 },
  },
}

local function clean(tags)
  local t = {}
  local n = 0
  for k, v in pairs(tags) do
    if k ~= 'created_by' and k ~= 'source' and k ~= 'odbl' and k ~= 'fixme' then
      t[k] = v
      n = n + 1
    end
  end
  return t, n
end

local function array_literal(list)
  return '{' .. table.concat(list, ',') .. '}'
end

-- Keys that make a closed way an area. highway/barrier/railway stay lines unless area=yes.
local area_keys = { 'building', 'landuse', 'leisure', 'natural', 'amenity', 'historic', 'shop',
  'tourism', 'healthcare', 'water', 'place', 'office', 'social_facility', 'public_transport' }

local function is_area(tags)
  if tags.area == 'no' then return false end
  if tags.area == 'yes' then return true end
  if tags.waterway == 'riverbank' then return true end
  if tags.natural == 'coastline' or tags.natural == 'tree_row' then return false end
  for _, k in ipairs(area_keys) do
    if tags[k] then return true end
  end
  return false
end

function osm2pgsql.process_node(object)
  local tags, n = clean(object.tags)
  if n == 0 then return end
  tables.point:insert{ tags = tags, geom = object:as_point() }
end

-- osm2pgsql 1.8 hands only tagged ways to process_way. The member ways of boundary relations are
-- selected for stage 2, where process_way sees them again (untagged ones too; osm2pgsql first
-- removes the rows stage 1 wrote for them, so processing stays the same in both stages). With
-- every member way in the line table, admin-boundaries.ts can tell a complete ring from one cut
-- by the extract: a member way missing, or one whose line has fewer points than node ids.
function osm2pgsql.select_relation_members(relation)
  if relation.tags.boundary == 'administrative' then
    return { ways = osm2pgsql.way_member_ids(relation) }
  end
end

function osm2pgsql.process_way(object)
  local tags, n = clean(object.tags)
  -- Node ids with consecutive duplicates removed, matching the points of as_linestring() when every
  -- node has a location (fewer points than ids: nodes missing from the extract, or co-located nodes).
  local nodes = {}
  local last = nil
  for _, id in ipairs(object.nodes) do
    if id ~= last then nodes[#nodes + 1] = id end
    last = id
  end
  tables.line:insert{ tags = tags, nodes = array_literal(nodes), geom = object:as_linestring() }
  if n > 0 and object.is_closed and is_area(tags) then
    tables.area:insert{ tags = tags, geom = object:as_polygon() }
  end
end

function osm2pgsql.process_relation(object)
  local tags, n = clean(object.tags)
  local rtype = object.tags.type
  if rtype == 'multipolygon' and n > 1 then
    tables.area:insert{ tags = tags, geom = object:as_multipolygon() }
  end
  if object.tags.boundary == 'administrative' and (rtype == 'boundary' or rtype == 'multipolygon') then
    local ways, labels = {}, {}
    for _, m in ipairs(object.members) do
      if m.type == 'w' then ways[#ways + 1] = m.ref end
      if m.type == 'n' and (m.role == 'label' or m.role == 'admin_centre') then labels[#labels + 1] = m.ref end
    end
    tables.boundary:insert{ tags = tags, way_ids = array_literal(ways),
      label_node_ids = array_literal(labels), geom = object:as_multipolygon() }
  end
end
