/**
 * OSM tag → CityCheck code tables for buildings, green space, heritage and the basemap. Passed to
 * SQL as jsonb parameters (value → code), so the SQL holds no literal lists of tag values.
 */

/** building=* (or amenity=* on the building) → app.building.use. Unlisted values → 'other', 'yes' → 'unknown'. */
export const BUILDING_USE: Record<string, string> = {
  yes: 'unknown',
  house: 'residential', residential: 'residential', apartments: 'residential', detached: 'residential',
  semidetached_house: 'residential', terrace: 'residential', dormitory: 'residential', bungalow: 'residential',
  farm: 'residential',
  commercial: 'commercial', retail: 'commercial', supermarket: 'commercial', kiosk: 'commercial', hotel: 'commercial',
  office: 'office',
  public: 'public', civic: 'public', government: 'public', train_station: 'public', transportation: 'public',
  fire_station: 'public', townhall: 'public',
  school: 'education', university: 'education', college: 'education', kindergarten: 'education',
  hospital: 'health', clinic: 'health',
  church: 'religious', chapel: 'religious', cathedral: 'religious', temple: 'religious', mosque: 'religious',
  shrine: 'religious', religious: 'religious', monastery: 'religious',
  industrial: 'industrial', warehouse: 'industrial', factory: 'industrial', manufacture: 'industrial',
};

/** amenity=* on a building=yes → use (a school building tagged building=yes + amenity=school). */
export const AMENITY_BUILDING_USE: Record<string, string> = {
  school: 'education', university: 'education', college: 'education', kindergarten: 'education',
  hospital: 'health', clinic: 'health', doctors: 'health',
  place_of_worship: 'religious', townhall: 'public', library: 'public', police: 'public', fire_station: 'public',
  community_centre: 'public', marketplace: 'commercial', restaurant: 'commercial', bank: 'commercial',
};

/**
 * Green space. leisure=park → park (is_park); leisure=garden → garden, is_park only when it is
 * named and not private (a named public garden such as 瞻园 is a 公园绿地; a private yard is not).
 */
export const GREEN_KIND: Record<string, Record<string, string>> = {
  leisure: { park: 'park', garden: 'garden', playground: 'playground', nature_reserve: 'nature', common: 'grass', dog_park: 'other' },
  landuse: { grass: 'grass', forest: 'forest', recreation_ground: 'grass', meadow: 'grass', village_green: 'grass', cemetery: 'cemetery' },
  natural: { wood: 'forest', scrub: 'nature', grassland: 'nature', heath: 'nature' },
  amenity: { grave_yard: 'cemetery' },
  place: { square: 'square' },
};

/** historic=* → app.heritage_site.kind; unlisted values → 'other'. */
export const HERITAGE_KIND: Record<string, string> = {
  building: 'historic_building', castle: 'historic_building', manor: 'historic_building', church: 'historic_building',
  house: 'historic_building', city_gate: 'historic_building', tower: 'historic_building', temple: 'historic_building',
  chapel: 'historic_building', monastery: 'historic_building', palace: 'historic_building', gate: 'historic_building',
  monument: 'cultural_relic', memorial: 'cultural_relic', archaeological_site: 'cultural_relic', ruins: 'cultural_relic',
  tomb: 'cultural_relic', wayside_cross: 'cultural_relic', wayside_shrine: 'cultural_relic', boundary_stone: 'cultural_relic',
  industrial: 'industrial_heritage', mine: 'industrial_heritage', kiln: 'industrial_heritage', mill: 'industrial_heritage',
  railway: 'industrial_heritage', bridge: 'historic_building',
};

/** highway=* / railway=* → app.base_road.class. Unlisted (construction, proposed, platform …) are not drawn. */
export const ROAD_CLASS: Record<string, string> = {
  motorway: 'motorway', motorway_link: 'motorway', trunk: 'trunk', trunk_link: 'trunk',
  primary: 'primary', primary_link: 'primary', secondary: 'secondary', secondary_link: 'secondary',
  tertiary: 'tertiary', tertiary_link: 'tertiary',
  residential: 'minor', unclassified: 'minor', living_street: 'minor', road: 'minor',
  service: 'service',
  footway: 'path', path: 'path', steps: 'path', pedestrian: 'path', cycleway: 'path', track: 'path',
  bridleway: 'path', corridor: 'path',
};
export const RAIL_CLASS: Record<string, string> = {
  rail: 'rail', light_rail: 'rail', narrow_gauge: 'rail', tram: 'rail', funicular: 'rail', subway: 'subway',
};

/** place=* → label rank (smaller = more important). Named POIs get rank 50. */
export const PLACE_RANK: Record<string, number> = {
  city: 1, town: 2, district: 3, borough: 3, suburb: 4, village: 5, quarter: 6, neighbourhood: 7, hamlet: 8, locality: 9,
  isolated_dwelling: 9, square: 8,
};

/**
 * Walking network: highway values walked (tertiary…primary assume sidewalks, as is normal in
 * Chinese and European cities). motorway/trunk and their links are never walked.
 */
export const WALK_HIGHWAYS: readonly string[] = [
  'footway', 'path', 'steps', 'pedestrian', 'living_street', 'residential', 'service', 'unclassified', 'road',
  'tertiary', 'tertiary_link', 'secondary', 'secondary_link', 'primary', 'primary_link', 'track', 'cycleway',
  'bridleway', 'corridor', 'crossing',
];
