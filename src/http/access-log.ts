import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'
import { REDACT_PATHS } from '../logger.js'
import { callerName } from './caller-auth.js'
import { loggedUrl } from './logged-url.js'

/**
 * The access line is built from fields chosen here, none of them secret, so it skips the wildcard
 * paths (`*.headers.authorization`…), which cost pino about ten times the rest of the line: a
 * tenth of a hot hit's CPU. The plain paths stay, but they only catch top-level fields: keep this
 * line flat and scalar (a test pins its keys), and log anything richer through request.log. With
 * tracing on, the logger's mixin adds `trace_id` and `span_id`, scalars too.
 */
const ACCESS_REDACT = { paths: REDACT_PATHS.filter((path) => !path.includes('*')), censor: '[redacted]' }

/**
 * One access line per request instead of Fastify's two ("incoming request" + "request
 * completed"), carrying what an operator searches by, WeChat Pay's Request-ID included.
 * Fastify calls requestCompleted once the response is sent, error or not.
 */
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
      // Who asked: a configured caller's name, or anonymous; never a token.
      caller: callerName(request),
      // pino leaves out fields that are undefined.
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
