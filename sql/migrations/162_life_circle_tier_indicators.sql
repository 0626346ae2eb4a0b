-- Health-check indicators of the three walking tiers of GB 50180-2018 (indicators.md §5.1: 5-, 10- and
-- 15-minute life circles, ~300 / ~500 / 800–1,000 m): the share of estates (residents where every
-- estate of the unit has a count, else estates; analysis.check_estate_share) with every facility type
-- of the tier within its standard walking distance (the city's facility catalogue, overrides applied),
-- per city / 区 / 街道 / 社区. CityCheck's own derivation of the tier lists: no official indicator or
-- threshold exists under these names, so confidence is unconfirmed and no grade is given.
INSERT INTO app.indicator_def (code, version, name_zh, name_en, dimension, check_level, levels, unit, direction,
  formula_kind, engine, params, target, yellow, red, threshold_source, source_ids, confidence, definition) VALUES
('life_circle_5min_coverage', '2021', '5分钟生活圈配套完整率', '5-minute life-circle coverage', 'inclusive', 'estate_community',
  ARRAY['city', 'district', 'subdistrict', 'community'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "tier_complete", "tier": "5min"}',
  NULL, NULL, NULL, 'no published threshold', ARRAY['S24', 'S26', 'S69'], 'unconfirmed',
  'estates with every facility type of the 5-minute tier within its standard walking distance ÷ estates × 100; per unit weighted by residents when every estate of the unit has a resident count, else by estate count'),
('life_circle_10min_coverage', '2021', '10分钟生活圈配套完整率', '10-minute life-circle coverage', 'inclusive', 'estate_community',
  ARRAY['city', 'district', 'subdistrict', 'community'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "tier_complete", "tier": "10min"}',
  NULL, NULL, NULL, 'no published threshold', ARRAY['S23', 'S26', 'S69'], 'unconfirmed',
  'estates with every facility type of the 10-minute tier within its standard walking distance ÷ estates × 100; per unit weighted by residents when every estate of the unit has a resident count, else by estate count'),
('life_circle_15min_coverage', '2021', '15分钟生活圈配套完整率', '15-minute life-circle coverage', 'inclusive', 'estate_community',
  ARRAY['city', 'district', 'subdistrict', 'community'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "tier_complete", "tier": "15min"}',
  NULL, NULL, NULL, 'no published threshold', ARRAY['S24', 'S26', 'S69'], 'unconfirmed',
  'estates with every facility type of the 15-minute tier within its standard walking distance ÷ estates × 100; per unit weighted by residents when every estate of the unit has a resident count, else by estate count');
