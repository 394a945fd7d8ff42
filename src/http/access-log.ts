import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'
import { REDACT_PATHS } from '../logger.js'
import { callerName } from './caller-auth.js'
import { loggedUrl } from './logged-url.js'

/**
 * Skips the wildcard redact paths, which cost a tenth of a hot hit's CPU: keep this line flat and scalar
 * (a test pins its keys), and log anything richer through request.log.
 */
const ACCESS_REDACT = { paths: REDACT_PATHS.filter((path) => !path.includes('*')), censor: '[redacted]' }

/** One line per request instead of Fastify's two. */
export class AccessLogController extends LogController {
  #access: FastifyBaseLogger | undefined

  override incomingRequest (): void {}

  // The access line already records the 404.
  override routeNotFound (): void {}

  override requestCompleted (error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: loggedUrl(request.url),
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      caller: callerName(request),
      cache: request.cacheOutcome?.outcome,
      upstream_ms: request.upstreamMs === undefined ? undefined : Math.round(request.upstreamMs * 100) / 100,
      wechat_request_id: request.wechatRequestId
    }
    // An error here is a failed write to the socket, after the status was chosen.
    if (error !== null && error !== undefined) request.log.warn({ ...line, err: error }, 'request failed while sending')
    else {
      this.#access ??= request.server.log.child({}, { redact: ACCESS_REDACT })
      this.#access.info({ reqId: request.id, ...line }, 'request completed')
    }
  }
}
