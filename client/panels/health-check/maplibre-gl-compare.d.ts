/** Types of @maplibre/maplibre-gl-compare 0.5 (plain CommonJS, no types of its own): see its API.md. */
declare module '@maplibre/maplibre-gl-compare' {
  import type { Map } from 'maplibre-gl';

  export interface CompareOptions {
    /** 'vertical' (default): map A on the left, map B on the right of a vertical slider. */
    orientation?: 'vertical' | 'horizontal';
    /** The slider follows the cursor instead of being dragged. */
    mousemove?: boolean;
  }

  /** Two maps kept in sync (centre, zoom, bearing, pitch), clipped on either side of a slider. */
  export default class Compare {
    constructor(a: Map, b: Map, container: string | HTMLElement, options?: CompareOptions);
    /** The slider's position in pixels from the left (top) edge of the container. */
    readonly currentPosition: number;
    setSlider(x: number): void;
    on(type: 'slideend', fn: (e: { currentPosition: number }) => void): this;
    off(type: 'slideend', fn: (e: { currentPosition: number }) => void): this;
    /** Stops the sync and removes the slider. */
    remove(): void;
  }
}
