-- pgbench script: the PostGIS peer of bench/bbox.lua. One random box of fixed size per
-- transaction, drawn like bbox.lua (south-west corner uniform in integer micro-degrees, pgbench
-- has no random double); the cameras in it through the GiST index, serialised as one GeoJSON
-- FeatureCollection. Variables come from bench/run.sh:
--   pgbench -n -M prepared -c16 -j2 -T20 -f bench/postgis_bbox.sql \
--       -D west_min=.. -D west_max=.. -D south_min=.. -D south_max=.. -D width=.. -D height=.. -D lim=2000
\set w random(:west_min, :west_max)
\set s random(:south_min, :south_max)
\set e :w + :width
\set n :s + :height
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(ST_AsGeoJSON(c.*)::json))
  FROM (SELECT id, geom, tags
          FROM cameras
         WHERE geom && ST_MakeEnvelope(:w / 1000000.0, :s / 1000000.0, :e / 1000000.0, :n / 1000000.0, 4326)
         LIMIT :lim) c;
