import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * One access line per request instead of Fastify's two ("incoming request" + "request
 * completed"), carrying what an operator searches by, WeChat Pay's Request-ID included.
 * Fastify calls requestCompleted once the response is sent, error or not.
 */
export class AccessLogController extends LogController {
  override incomingRequest (): void {}

  // The access line already records the 404.
  override routeNotFound (): void {}

  override requestCompleted (error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(request.cacheOutcome === undefined ? {} : { cache: request.cacheOutcome }),
      ...(request.upstreamMs === undefined ? {} : { upstream_ms: Math.round(request.upstreamMs * 100) / 100 }),
      ...(request.wechatRequestId === undefined ? {} : { wechat_request_id: request.wechatRequestId })
    }
    // An error here is a failed write to the socket, after the status was chosen.
    if (error !== null && error !== undefined) request.log.warn({ ...line, err: error }, 'request failed while sending')
    else request.log.info(line, 'request completed')
  }
}
