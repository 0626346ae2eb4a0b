/**
 * PMTiles archives as map sources. `npm run export -- pmtiles` writes a city's layers as one
 * archive that object storage or a CDN serves with no database; the `pmtiles` package's Protocol
 * reads it with HTTP range requests once `pmtiles://` is registered with maplibre, so a style
 * source `{ type: 'vector', url: 'pmtiles://https://cdn.example.cn/nanjing-2026.pmtiles' }`
 * draws the same tiles the server would (same source-layer names, so the same style layers apply).
 */
import type { AddProtocolAction, VectorSourceSpecification } from 'maplibre-gl';
import { Protocol } from 'pmtiles';

/** URL scheme of PMTiles sources. */
export const PMTILES_SCHEME = 'pmtiles';

/** The part of maplibre that holds custom protocols (the `maplibre-gl` module itself). */
export interface ProtocolRegistry {
  addProtocol(name: string, action: AddProtocolAction): void;
}

// One Protocol per maplibre module: its archive instances (and their header/directory caches) are
// shared by every map and source of the page. Keyed weakly so nothing is held past the module.
const registered = new WeakMap<ProtocolRegistry, Protocol>();

/**
 * Registers `pmtiles://` with maplibre (idempotent) and returns the Protocol, whose `add()` also
 * takes archives from other sources (e.g. a File chosen by the user).
 * @example registerPmtilesProtocol(maplibregl)
 */
export function registerPmtilesProtocol(registry: ProtocolRegistry): Protocol {
  let protocol = registered.get(registry);
  if (!protocol) {
    // metadata: the TileJSON then carries the archive's attribution and vector_layers.
    protocol = new Protocol({ metadata: true });
    const p = protocol;
    registry.addProtocol(PMTILES_SCHEME, async (params, abortController) => {
      const { data, cacheControl, expires } = await p.tilev4(params, abortController);
      // TileJSON (an object) or tile bytes (a Uint8Array, empty where the archive has no tile).
      if (typeof data !== 'object' || data === null) throw new Error(`PMTiles archive gave no data for ${params.url}`);
      return { data, cacheControl, expires };
    });
    registered.set(registry, protocol);
  }
  return protocol;
}

/** True for a URL naming a PMTiles archive (`….pmtiles`, optionally with a query) or a `pmtiles://` URL. */
export function isPmtilesUrl(url: string): boolean {
  return url.startsWith(`${PMTILES_SCHEME}://`) || /\.pmtiles(?:[?#].*)?$/i.test(url);
}

/**
 * A vector source over the PMTiles archive at `url` (absolute, or relative to `base`, by default
 * the page), for a style's `sources`.
 * @example map.addSource('check-2026', pmtilesSource('https://cdn.example.cn/nanjing-2026.pmtiles'))
 */
export function pmtilesSource(url: string, base: string | undefined = globalThis.location?.href): VectorSourceSpecification {
  if (url.startsWith(`${PMTILES_SCHEME}://`)) return { type: 'vector', url };
  return { type: 'vector', url: `${PMTILES_SCHEME}://${new URL(url, base).href}` };
}
