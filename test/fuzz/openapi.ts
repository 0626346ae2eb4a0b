/** The routes of an OpenAPI 3 document (the app's /docs/json) as operations the fuzzer can call. */

/** The subset of JSON Schema the generator reads. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** e.g. `POST /api/analysis/green-coverage/{runId}/what-if`: the key reports group by. */
  route: string;
  method: string;
  /** OpenAPI path template. */
  path: string;
  params: Parameter[];
  /** JSON schema of an application/json request body, when the route takes one. */
  body?: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!METHODS.has(m)) continue;
      const method = m.toUpperCase();
      const params = (op.parameters ?? []).filter((x) => x.in === 'path' || x.in === 'query');
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({ route: `${method} ${p}`, method, path: p, params, ...(body ? { body } : {}) });
    }
  }
  return ops;
}

/** The first plain type a schema names (`anyOf` of consts counts as string). */
export function schemaType(s: JsonSchema | undefined): string | undefined {
  if (!s) return undefined;
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return schemaType(alt[0]);
  if (s.enum?.length) return typeof s.enum[0];
  return undefined;
}

/** Enumerated values a schema allows (enum, const, or anyOf/oneOf of those). */
export function schemaEnum(s: JsonSchema | undefined): unknown[] | undefined {
  if (!s) return undefined;
  if (s.enum) return s.enum;
  if (s.const !== undefined) return [s.const];
  const alt = s.anyOf ?? s.oneOf;
  if (!alt) return undefined;
  const all = alt.map(schemaEnum);
  return all.every((x) => x) ? all.flat() as unknown[] : undefined;
}

/** Whether a body field takes GeoJSON (an object with `type`, described as GeoJSON or named like geometry). */
export function isGeoJsonField(name: string, s: JsonSchema | undefined): boolean {
  if (/geojson/i.test(s?.description ?? '')) return true;
  return /^(parks|candidates|geometry|geom|polygon|area)$/i.test(name) && schemaType(s) === 'object';
}
