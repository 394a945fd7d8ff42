import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api'
import {
  ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_REQUEST_RESEND_COUNT, ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL
} from '@opentelemetry/semantic-conventions'
import { loggedUrl } from '../http/logged-url.js'
import type { AttemptEnd, AttemptObserver } from '../wechatpay/client.js'
import { WECHATPAY_ATTEMPT, WECHATPAY_ENDPOINT, WECHATPAY_ERROR_CODE, WECHATPAY_REQUEST_ID, WECHATPAY_VERIFICATION } from './attributes.js'

/** Made by the service, not an HTTP instrumentation: WeChat Pay gets no trace header, and the signature is not kept. */
export function attemptSpans (tracer: Tracer): AttemptObserver {
  return {
    attemptStarted ({ origin, attempt, target, endpoint, route }) {
      const url = new URL(origin)
      // The endpoints build their targets from the four known parameters only; loggedUrl keeps it so.
      const path = loggedUrl(target)
      const span = tracer.startSpan(`GET ${route}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: 'GET',
          [ATTR_SERVER_ADDRESS]: url.hostname,
          [ATTR_SERVER_PORT]: Number(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port),
          [ATTR_URL_FULL]: `${url.origin}${path}`,
          [WECHATPAY_ATTEMPT]: attempt + 1,
          [WECHATPAY_ENDPOINT]: endpoint,
          // The conventions' count of resends, set on retries only.
          ...(attempt > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt } : {})
        }
      })
      return (end: AttemptEnd) => {
        span.setAttributes({
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: end.status,
          [WECHATPAY_REQUEST_ID]: end.requestId,
          [WECHATPAY_ERROR_CODE]: end.code,
          [WECHATPAY_VERIFICATION]: end.verification
        })
        if (end.outcome !== 'ok') {
          span.setAttribute(ATTR_ERROR_TYPE, end.outcome)
          span.setStatus({ code: SpanStatusCode.ERROR, message: end.outcome })
        }
        span.end()
      }
    }
  }
}
