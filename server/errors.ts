/** HTTP-facing error classes. Domain modules throw their own named errors; the handler maps them. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code = 'HTTP_ERROR',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message, 'BAD_REQUEST');
export const notFound = (message: string) => new HttpError(404, message, 'NOT_FOUND');
