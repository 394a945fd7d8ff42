import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config.js'

const tracing = (env: Record<string, string>): ReturnType<typeof loadConfig>['tracing'] => loadConfig({ NODE_ENV: 'test', ...env }).tracing

describe('tracing configuration', () => {
  it('is off without an endpoint, and with empty ones (compose passes unset variables as empty)', () => {
    expect(tracing({})).toEqual({ tracesUrl: undefined, protocol: 'http/protobuf' })
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ' ' }).tracesUrl).toBeUndefined()
  })

  it('posts under /v1/traces of the general endpoint, and to the traces endpoint as it is', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracesUrl).toBe('http://collector:4318/v1/traces')
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp/' }).tracesUrl)
      .toBe('https://otlp.example.com/otlp/v1/traces')
    expect(tracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom/path'
    }).tracesUrl).toBe('http://traces:9999/custom/path')
  })

  it('takes the traces protocol over the general one', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).protocol).toBe('http/json')
    expect(tracing({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).protocol)
      .toBe('http/protobuf')
  })

  it('refuses gRPC and a URL that is not http(s), naming the variable', () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadConfig({ NODE_ENV: 'test', ...env })
      } catch (err) {
        if (err instanceof ConfigError) return err.problems
        throw err
      }
      return []
    }
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))
      .toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_PROTOCOL must be one of/)])
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }))
      .toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT must be/)])
  })
})
