/**
 * Parses `citycheck_change` notifications (migration 002 and geodata/import-run.ts) into what the
 * tile cache needs: the changed tables and lon/lat boxes (null = the whole table may have changed).
 *
 * Row edits:  {"table": "green_space", "op": "UPDATE", "boxes": [[minLon,minLat,maxLon,maxLat], …]}
 * Imports:    {"run": 12, "tables": ["building", …], "bbox": [minLon,minLat,maxLon,maxLat] | null}
 */
import type { LonLatBox } from './tile-math.ts';

/** A parsed change: tables (without schema) and boxes, or null boxes for "everything". */
export interface ChangeNotice {
  tables: string[];
  boxes: LonLatBox[] | null;
}

const isBox = (b: unknown): b is LonLatBox =>
  Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Parses a notification payload; returns null when it is not a change notice at all. */
export function parseChangeNotice(payload: string): ChangeNotice | null {
  let msg: unknown;
  try {
    msg = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!msg || typeof msg !== 'object') return null;
  const m = msg as Record<string, unknown>;
  const strip = (t: unknown) => String(t).replace(/^app\./, '');
  if (typeof m.table === 'string') {
    const boxes = Array.isArray(m.boxes) && m.boxes.every(isBox) ? (m.boxes as LonLatBox[]) : null;
    return { tables: [strip(m.table)], boxes };
  }
  if (Array.isArray(m.tables)) {
    return { tables: m.tables.map(strip), boxes: isBox(m.bbox) ? [m.bbox] : null };
  }
  return null;
}
