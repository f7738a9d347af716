import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, isTrunklineError, type Logger } from '../core/index.ts';

const statusByCode: Record<ErrorCode, number> = {
  config: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  external: 502,
  internal: 500,
};

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** The one place where errors become HTTP answers: `{error, message, details}`. */
export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    if (isTrunklineError(error)) {
      const status = statusByCode[error.code];
      if (status >= 500) logger.error({ err: error, url: request.url }, 'request failed');
      const body: ErrorBody = { error: error.code, message: error.message };
      if (error.details !== undefined) body.details = error.details;
      void reply.status(status).send(body);
      return;
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation || (fastifyError.statusCode && fastifyError.statusCode < 500)) {
      void reply.status(fastifyError.statusCode ?? 400).send({ error: 'bad_request', message: error.message });
      return;
    }
    logger.error({ err: error, url: request.url }, 'unexpected error');
    void reply.status(500).send({ error: 'internal', message: 'internal error; see the server log' });
  };
}
