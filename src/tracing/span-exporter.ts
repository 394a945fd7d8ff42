import type { SpanExporter } from '@opentelemetry/sdk-trace-node'
import type { TracingConfig } from '../config/config.js'

/**
 * The OTLP/HTTP exporter of the configured encoding, the other one never loaded. Each package
 * speaks one encoding and reads the rest of its settings itself (OTEL_EXPORTER_OTLP_HEADERS,
 * _TIMEOUT, _COMPRESSION, the TLS files); the URL is the one the configuration checked.
 */
export async function spanExporter (config: { tracesUrl: string, protocol: TracingConfig['protocol'] }): Promise<SpanExporter> {
  const { OTLPTraceExporter } = config.protocol === 'http/json'
    ? await import('@opentelemetry/exporter-trace-otlp-http')
    : await import('@opentelemetry/exporter-trace-otlp-proto')
  return new OTLPTraceExporter({ url: config.tracesUrl })
}
