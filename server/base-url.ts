/** Absolute base URL of the request (`http://127.0.0.1:8080`), for links, TileJSON and styles. */
import type { FastifyRequest } from 'fastify';

export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
