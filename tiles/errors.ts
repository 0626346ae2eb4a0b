/**
 * Named errors of the tile and feature logic. Each carries a `code` and an HTTP-like `statusCode`
 * so the one server error handler (server/plugins/error-handler.ts) maps it without knowing tiles/.
 */

/** Base class: a client mistake in a tile or feature request. */
export class TileRequestError extends Error {
  readonly statusCode: number = 400;
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The requested layer id is not in the catalog (→ 404). */
export class UnknownLayerError extends TileRequestError {
  override readonly statusCode = 404;
  constructor(readonly layer: string) {
    super(`Unknown layer "${layer}"`, 'UNKNOWN_LAYER');
  }
}

/** z/x/y outside the tile pyramid (→ 400). */
export class TileCoordError extends TileRequestError {
  constructor(message: string) {
    super(message, 'BAD_TILE_COORD');
  }
}

/** A filter that cannot be parsed or does not fit the layer's declared fields (→ 400). */
export class FilterError extends TileRequestError {
  constructor(message: string, readonly position?: number) {
    super(message, 'BAD_FILTER');
  }
}

/** A bad OGC API query parameter: bbox, datetime, limit, properties (→ 400). */
export class QueryParamError extends TileRequestError {
  constructor(message: string) {
    super(message, 'BAD_PARAMETER');
  }
}

/** The requested feature id does not exist (→ 404). */
export class FeatureNotFoundError extends TileRequestError {
  override readonly statusCode = 404;
  constructor(layer: string, id: string) {
    super(`No feature ${id} in collection "${layer}"`, 'FEATURE_NOT_FOUND');
  }
}
