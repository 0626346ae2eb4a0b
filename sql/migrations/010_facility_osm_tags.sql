-- Align the documented OSM mapping with the importer's rules (geodata/osm/facility-mapping.ts,
-- checked by test/geodata/osm-mapping.test.ts): shop=convenience is a convenience store, not a
-- supermarket; government offices are not mapped to community service stations (too broad in OSM;
-- 社区综合服务站 come from the city's ledger).
UPDATE app.facility_type SET osm_tags = 'shop=supermarket' WHERE code = 'supermarket';
UPDATE app.facility_type SET osm_tags = 'amenity=community_centre (社区服务站 usually come from the city ledger)' WHERE code = 'community_service';
