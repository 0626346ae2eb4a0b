/**
 * GCJ-02 (国测局坐标, "Mars coordinates") and BD-09 (百度坐标) ⇄ WGS-84.
 *
 * GCJ-02 is the obfuscated datum that Chinese web maps (高德/腾讯/天地图 mobile apps) and most
 * city ledgers exported from them use; BD-09 is Baidu's further offset of GCJ-02. Both are
 * public-domain reverse-engineered formulas (the widely used "eviltransform" constants). The
 * forward transform WGS-84 → GCJ-02 is closed-form; the inverse has no closed form, so
 * {@link gcj02ToWgs84} iterates the forward transform until the residual is below ~1e-9°
 * (≈ 0.1 mm), far better than the sub-decimetre the product needs.
 *
 * Outside mainland China (rough bounding box, see {@link outOfChina}) no offset is applied,
 * matching what the Chinese map providers do.
 */

/** [lon, lat] in degrees. */
export type LonLat = [number, number];

const A = 6378245.0; // Krasovsky 1940 semi-major axis used by the GCJ-02 formula (m)
const EE = 0.00669342162296594323; // its first eccentricity squared
const X_PI = (Math.PI * 3000.0) / 180.0; // BD-09 constant

/** True where the GCJ-02 offset does not apply (outside a rough mainland-China box). */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** The GCJ-02 offset (Δlon, Δlat in degrees) at a WGS-84 position. */
function gcjDelta(lon: number, lat: number): LonLat {
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}

/**
 * WGS-84 → GCJ-02 (degrees in, degrees out).
 * @example wgs84ToGcj02(118.7787, 32.0438) // ≈ [118.7834…, 32.0415…] in central Nanjing
 */
export function wgs84ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  const [dLon, dLat] = gcjDelta(lon, lat);
  return [lon + dLon, lat + dLat];
}

/**
 * GCJ-02 → WGS-84 by fixed-point iteration on the forward transform: start at the GCJ point,
 * subtract the residual of forward(guess) − target until it is below `tolDeg` (default 1e-9° ≈ 0.1 mm).
 * Converges in 2–4 steps because the offset varies slowly (its gradient is ~1e-3).
 */
export function gcj02ToWgs84(lon: number, lat: number, tolDeg = 1e-9): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  let x = lon;
  let y = lat;
  for (let i = 0; i < 30; i++) {
    const [fx, fy] = wgs84ToGcj02(x, y);
    const ex = fx - lon;
    const ey = fy - lat;
    x -= ex;
    y -= ey;
    if (Math.abs(ex) < tolDeg && Math.abs(ey) < tolDeg) break;
  }
  return [x, y];
}

/** BD-09 → GCJ-02 (Baidu's documented inverse formula, ~1e-6° exact). */
export function bd09ToGcj02(lon: number, lat: number): LonLat {
  const x = lon - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/** GCJ-02 → BD-09 (used by tests and by the sample generator). */
export function gcj02ToBd09(lon: number, lat: number): LonLat {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}
