import type { VariableSpec } from './variable.js'

/** The OTLP encodings the service can export in: the two OTLP/HTTP ones (no gRPC exporter is installed). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const

/**
 * The OpenTelemetry variables the service reads itself, to decide whether tracing is on and which
 * exporter to load. The SDK reads the other standard ones on its own (docs/operations.md#tracing).
 */
export const TRACING_VARIABLES = {
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    section: 'tracing',
    kind: 'url',
    protocols: ['http:', 'https:'],
    defaultText: '— (tracing off)',
    meaning: 'Base URL of an OTLP/HTTP receiver (an OpenTelemetry Collector, say `http://collector:4318`); spans go to ' +
      'its `/v1/traces`. With neither this nor `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set, tracing is off: no SDK is loaded. ' +
      'The other `OTEL_*` variables (headers, sampler, batching, resource) are read by the SDK itself: ' +
      '[operations.md](operations.md#tracing).'
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    section: 'tracing',
    kind: 'url',
    protocols: ['http:', 'https:'],
    defaultText: '— (`OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`)',
    meaning: 'The full URL spans are sent to, used as it is; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`.'
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    section: 'tracing',
    kind: 'choice',
    default: 'http/protobuf',
    values: OTLP_PROTOCOLS,
    meaning: 'The OTLP encoding spans are exported in (`grpc` is not supported).'
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    section: 'tracing',
    kind: 'choice',
    default: 'http/protobuf',
    defaultText: '`OTEL_EXPORTER_OTLP_PROTOCOL`',
    // Empty, or copying .env.example would pin it and override the general variable.
    example: '',
    values: OTLP_PROTOCOLS,
    meaning: 'The same, for traces alone; wins over `OTEL_EXPORTER_OTLP_PROTOCOL`.'
  }
} as const satisfies Record<string, VariableSpec>
