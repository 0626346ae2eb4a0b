/**
 * The shareable view in the URL hash: `#city=nanjing-core&c=lon,lat&z=zoom&b=bearing&p=pitch&l=layer,layer&3d=1&lang=en`.
 * Reading tolerates missing or bad parts (they fall back to defaults); writing merges into what is there.
 */
export interface HashState {
  /** The city (app.dataset id) the map and the analysis panels show. */
  city?: string;
  center?: [number, number];
  zoom?: number;
  bearing?: number;
  pitch?: number;
  layers?: string[];
  threeD?: boolean;
  lang?: 'zh' | 'en';
}

function num(v: string | null, min: number, max: number): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/** Parses a hash (default: the current one). */
export function parseHashState(hash: string = globalThis.location?.hash ?? ''): HashState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const s: HashState = {};
  const city = p.get('city');
  if (city && /^[a-z0-9][a-z0-9_.-]{0,99}$/.test(city)) s.city = city;
  const c = p.get('c')?.split(',').map(Number);
  if (c && c.length === 2 && c.every(Number.isFinite) && Math.abs(c[0]) <= 180 && Math.abs(c[1]) <= 85) s.center = [c[0], c[1]];
  s.zoom = num(p.get('z'), 0, 24);
  s.bearing = num(p.get('b'), -360, 360);
  s.pitch = num(p.get('p'), 0, 85);
  if (p.has('l')) s.layers = p.get('l')!.split(',').filter((x) => /^[a-z_]+$/.test(x));
  if (p.has('3d')) s.threeD = p.get('3d') === '1';
  const lang = p.get('lang');
  if (lang === 'zh' || lang === 'en') s.lang = lang;
  return s;
}

export const readHashState = (): HashState => parseHashState();

/** Serialises a state into hash text (without '#'), merged over `base`. */
export function formatHashState(state: HashState, base: string = ''): string {
  const p = new URLSearchParams(base.replace(/^#/, ''));
  if (state.city) p.set('city', state.city);
  if (state.center) p.set('c', `${state.center[0].toFixed(5)},${state.center[1].toFixed(5)}`);
  if (state.zoom !== undefined) p.set('z', state.zoom.toFixed(2));
  if (state.bearing !== undefined) p.set('b', state.bearing.toFixed(1));
  if (state.pitch !== undefined) p.set('p', state.pitch.toFixed(1));
  if (state.layers) p.set('l', state.layers.join(','));
  if (state.threeD !== undefined) p.set('3d', state.threeD ? '1' : '0');
  if (state.lang) p.set('lang', state.lang);
  return decodeURIComponent(p.toString());
}

/** Writes into location.hash without adding a history entry (panning must not flood Back). */
export function writeHashState(state: HashState): void {
  const next = `#${formatHashState(state, location.hash)}`;
  if (next !== location.hash) history.replaceState(history.state, '', next);
}
