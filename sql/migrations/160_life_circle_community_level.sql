-- The life-circle indicators of the health check (112) also at 社区 level, and their shares weighted by
-- residents where they are known: per unit, residents within standard ÷ residents when every estate of
-- the unit has a resident count, else estates within standard ÷ estates (analysis.check_estate_share;
-- each value names its weighting in its rule parameters).
UPDATE app.indicator_def
SET levels = ARRAY['city', 'district', 'subdistrict', 'community'],
    definition = definition || '; per unit weighted by residents when every estate of the unit has a resident count, else by estate count'
WHERE engine = 'life_circle' AND dataset_id IS NULL AND levels = ARRAY['city', 'district', 'subdistrict'];
