-- Extensions and schemas by role:
--   app      tables of the product (layers, catalogs, import runs, audit)
--   staging  transient tables of running imports (dropped after each run)
--   analysis published analysis functions (called by the API)
--   tiles    tile functions
--   internal helpers not called from outside SQL
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pgrouting;
CREATE SCHEMA IF NOT EXISTS app;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS analysis;
CREATE SCHEMA IF NOT EXISTS tiles;
CREATE SCHEMA IF NOT EXISTS internal;
