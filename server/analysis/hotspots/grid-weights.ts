/**
 * Contiguity of regular grids by cell index — no geometry, so a million cells take well under a second.
 * Cells are given by the (i, j) that PostGIS returns with them:
 *
 * - `ST_SquareGrid(size, bounds)`: column i (x), row j (y). Rook: the 4 cells sharing an edge;
 *   queen: the 8 sharing an edge or a corner.
 * - `ST_HexagonGrid(size, bounds)`: flat-topped hexagons, column i with centre x = 1.5·i·size and
 *   y = √3·size·(j + |i mod 2|/2) — odd columns sit half a cell higher. Every touching pair shares an
 *   edge, so queen = rook: (i, j±1), and in columns i±1 rows j−1 and j for an even column, j and j+1 for
 *   an odd one. The test checks this against ST_Touches on PostGIS's own grid.
 *
 * A grid clipped to the built-up area simply lacks some (i, j): those neighbours are absent, and a cell
 * left with none is an island.
 */
import { HotspotInputError } from './hotspot-error.ts';
import type { Neighbours } from './neighbours.ts';

export type Contiguity = 'queen' | 'rook';

/** Grid cells by their PostGIS (i, j) index; unit k is (i[k], j[k]). */
export interface GridCells {
  i: Int32Array | readonly number[];
  j: Int32Array | readonly number[];
}

const SQUARE_ROOK: readonly (readonly [number, number])[] = [[0, -1], [-1, 0], [1, 0], [0, 1]];
const SQUARE_QUEEN: readonly (readonly [number, number])[] = [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]];
const HEX_EVEN: readonly (readonly [number, number])[] = [[0, -1], [0, 1], [-1, -1], [-1, 0], [1, -1], [1, 0]];
const HEX_ODD: readonly (readonly [number, number])[] = [[0, -1], [0, 1], [-1, 0], [-1, 1], [1, 0], [1, 1]];

/** Looks a cell up by (i, j): a dense table over the cells' bounding box when small enough, else a Map. */
function cellLookup(cells: GridCells): (i: number, j: number) => number {
  const n = cells.i.length;
  if (cells.j.length !== n) throw new HotspotInputError('Grid cell arrays i and j must have the same length.');
  let minI = Infinity, maxI = -Infinity, minJ = Infinity, maxJ = -Infinity;
  for (let k = 0; k < n; k++) {
    const i = cells.i[k], j = cells.j[k];
    if (!Number.isInteger(i) || !Number.isInteger(j)) throw new HotspotInputError(`Grid cell ${k} has a non-integer index (${i}, ${j}).`);
    if (i < minI) minI = i; if (i > maxI) maxI = i; if (j < minJ) minJ = j; if (j > maxJ) maxJ = j;
  }
  const w = maxI - minI + 1, h = maxJ - minJ + 1;
  if (n > 0 && w * h <= Math.max(4 * n, 1 << 20)) {
    const table = new Int32Array(w * h).fill(-1);
    for (let k = 0; k < n; k++) {
      const at = (cells.j[k] - minJ) * w + (cells.i[k] - minI);
      if (table[at] !== -1) throw new HotspotInputError(`Grid cells ${table[at]} and ${k} have the same index (${cells.i[k]}, ${cells.j[k]}).`);
      table[at] = k;
    }
    return (i, j) => (i < minI || i > maxI || j < minJ || j > maxJ ? -1 : table[(j - minJ) * w + (i - minI)]);
  }
  const map = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const key = `${cells.i[k]},${cells.j[k]}`;
    if (map.has(key)) throw new HotspotInputError(`Grid cells ${map.get(key)} and ${k} have the same index (${key}).`);
    map.set(key, k);
  }
  return (i, j) => map.get(`${i},${j}`) ?? -1;
}

function build(cells: GridCells, stencil: (i: number) => readonly (readonly [number, number])[], maxDegree: number): Neighbours {
  const n = cells.i.length;
  const find = cellLookup(cells);
  const offsets = new Int32Array(n + 1);
  const ids = new Int32Array(n * maxDegree);
  let at = 0;
  const row: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = cells.i[k], j = cells.j[k];
    row.length = 0;
    for (const [di, dj] of stencil(i)) { const m = find(i + di, j + dj); if (m >= 0) row.push(m); }
    row.sort((a, b) => a - b);
    for (const m of row) ids[at++] = m;
    offsets[k + 1] = at;
  }
  return { n, offsets, ids: ids.slice(0, at), weights: new Float64Array(at).fill(1) };
}

/** Queen or rook contiguity of ST_SquareGrid cells, binary weights. */
export function squareGridContiguity(cells: GridCells, rule: Contiguity = 'queen'): Neighbours {
  const stencil = rule === 'rook' ? SQUARE_ROOK : SQUARE_QUEEN;
  return build(cells, () => stencil, stencil.length);
}

/** Contiguity of ST_HexagonGrid cells (queen = rook for hexagons), binary weights. */
export function hexGridContiguity(cells: GridCells): Neighbours {
  return build(cells, (i) => ((i & 1) === 0 ? HEX_EVEN : HEX_ODD), 6);
}

/** All cells of a full cols × rows grid, row-major (unit k = j·cols + i), for synthetic grids and benchmarks. */
export function fullGrid(cols: number, rows: number): { i: Int32Array; j: Int32Array } {
  const i = new Int32Array(cols * rows), j = new Int32Array(cols * rows);
  for (let r = 0, k = 0; r < rows; r++) for (let c = 0; c < cols; c++, k++) { i[k] = c; j[k] = r; }
  return { i, j };
}
