-- Health-check indicators computed by the life-circle service (server/analysis/life-circle, walking
-- network; indicators.md §2.2, §3.2, §5, §6): the share of estates within the standard walking
-- distance of a facility type (per city / 区 / 街道), the share of estates with every item of the
-- complete-community checklist (完整居住社区), and per estate the number of checklist items missing.
-- Names follow §2.2 / §3.2; their official definitions are UNCONFIRMED (here: walking distance from the
-- estate to the nearest facility of the type within its standard distance, city overrides applied),
-- so no target is set and no grade is given, except the missing-item count (design thresholds).

INSERT INTO app.indicator_def (code, version, name_zh, name_en, dimension, check_level, levels, unit, direction,
  formula_kind, engine, params, target, yellow, red, threshold_source, source_ids, confidence, definition) VALUES
('elderly_station_coverage', '2021', '社区老年服务站覆盖率', 'Community elderly-service-station coverage', 'inclusive', 'estate_community',
  ARRAY['city', 'district', 'subdistrict'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "type_share", "type": "elderly_station"}',
  NULL, NULL, NULL, 'no published threshold', ARRAY['S69'], 'unconfirmed',
  'estates within the standard walking distance of an elderly service station (老年服务站) ÷ estates × 100'),
('convenience_commerce_coverage', '2021', '社区便民商业服务设施覆盖率', 'Community convenience-commerce coverage', 'inclusive', 'estate_community',
  ARRAY['city', 'district', 'subdistrict'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "type_share", "type": "supermarket"}',
  NULL, NULL, NULL, 'no published threshold', ARRAY['S69'], 'unconfirmed',
  'estates within the standard walking distance of a comprehensive supermarket (综合超市, 完整居住社区 item 6) ÷ estates × 100'),
('kindergarten_coverage', '2021', '幼儿园步行服务覆盖率', 'Kindergarten walking coverage', 'inclusive', 'estate_community',
  ARRAY['city', 'district', 'subdistrict'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "type_share", "type": "kindergarten"}',
  NULL, NULL, NULL, 'no published threshold (普惠性幼儿园覆盖率 is UNCONFIRMED; this counts any kindergarten)', ARRAY['S69'], 'unconfirmed',
  'estates within the standard walking distance of a kindergarten ÷ estates × 100'),
('health_station_coverage', '2024', '社区卫生服务站步行覆盖率', 'Community health-station walking coverage', 'health_comfort', 'estate_community',
  ARRAY['city', 'district', 'subdistrict'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "type_share", "type": "health_station"}',
  NULL, NULL, NULL, 'no published threshold', ARRAY['S68'], 'unconfirmed',
  'estates within the standard walking distance of a community health station ÷ estates × 100'),
('complete_community_coverage', '2021', '完整居住社区覆盖率', 'Complete-community coverage', 'inclusive', 'estate_community',
  ARRAY['city', 'district', 'subdistrict'], '%', 'benefit', 'ratio', 'life_circle', '{"metric": "complete_community"}',
  NULL, NULL, NULL, 'no published threshold', ARRAY['S29', 'S69'], 'unconfirmed',
  'estates with every required item of the complete-community checklist within its standard walking distance ÷ estates × 100 (indicators.md §6)'),
('estate_complete_community_missing', '2024', '完整居住社区缺项数', 'Complete-community items missing', 'inclusive', 'estate_community',
  ARRAY['estate'], '项', 'cost', 'noncompliant_count', 'life_circle', '{"metric": "complete_community"}',
  0, 2, 4, 'target 0 (完整居住社区 [S29]); warnings from 3 and 5 missing items: design', ARRAY['S29'], 'secondary',
  'required complete-community facility types not within their standard walking distance of the estate');
