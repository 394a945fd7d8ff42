/**
 * Paths pino censors at every level. Nothing here should ever be logged in the first place;
 * redaction is the second line of defence for headers, key material and WeChat's
 * `sign_information`, which echoes the message we signed.
 */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  '*.headers.authorization',
  'sign_information',
  '*.sign_information',
  '*.*.sign_information',
  'detail.sign_information',
  'privateKey',
  '*.privateKey',
  'apiv3Key',
  '*.apiv3Key',
  'credentials',
  '*.credentials'
]

export function loggerOptions (level: string) {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The default request serializer is short; keep it, but never let headers in.
    serializers: {
      req: (req: { method: string, url: string }) => ({ method: req.method, url: req.url })
    }
  }
}
