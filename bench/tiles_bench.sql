-- pgbench script: the PostGIS peer of bench/tiles_bench.cpp. One random camera tile per
-- transaction (x, y uniform over the tiles entirely inside the data box, like tiles_bench), the
-- same attributes as Sightline's cameras layer, 4096 extent and a 64-unit buffer. Variables come
-- from bench/tiles_bench.sh: -D z=.. -D xmin=.. -D xmax=.. -D ymin=.. -D ymax=..
\set x random(:xmin, :xmax)
\set y random(:ymin, :ymax)
SELECT ST_AsMVT(t, 'cameras', 4096, 'geom', 'fid')
  FROM (SELECT id AS fid, id, type, mount, direction, directions, status, confirmations,
               ST_AsMVTGeom(geom, ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom
          FROM cameras
         WHERE geom && ST_TileEnvelope(:z, :x, :y, margin => 64.0 / 4096)) t;
