import type { VariableSpec } from './variable.js'

export const REDIS_VARIABLES = {
  REDIS_URL: {
    section: 'redis',
    kind: 'url',
    protocols: ['redis:', 'rediss:'],
    defaultText: '— (in-process memory)',
    example: 'redis://redis:6379',
    meaning: 'One Redis shared by every replica: `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. Unset, with no ' +
      'Sentinel or Cluster either: a bounded in-process cache, for a single replica. Set at most one of `REDIS_URL`, `REDIS_SENTINELS`, ' +
      '`REDIS_CLUSTER_NODES`; see [running many replicas](caching.md#running-many-replicas).'
  },
  REDIS_SENTINELS: {
    section: 'redis',
    kind: 'list',
    meaning: 'Redis Sentinel: comma-separated sentinel `host:port` (port defaults to 26379); the service asks them for the current ' +
      'primary and follows failovers.'
  },
  REDIS_SENTINEL_NAME: {
    section: 'redis',
    kind: 'string',
    meaning: 'With `REDIS_SENTINELS`, required: the primary\'s name in the sentinels\' configuration (`sentinel monitor <name> …`).'
  },
  REDIS_SENTINEL_PASSWORD: {
    section: 'redis',
    kind: 'string',
    defaultText: '— (none)',
    meaning: 'The sentinels\' own password, if they require one (`requirepass` in sentinel.conf).'
  },
  REDIS_CLUSTER_NODES: {
    section: 'redis',
    kind: 'list',
    meaning: 'Redis Cluster: comma-separated `host:port` of some nodes (port defaults to 6379); the rest are discovered.'
  },
  REDIS_USERNAME: {
    section: 'redis',
    kind: 'string',
    defaultText: '— (Redis\' default user)',
    meaning: 'ACL user for the Redis servers, whatever the topology (a user in `REDIS_URL` works too).'
  },
  REDIS_PASSWORD: {
    section: 'redis',
    kind: 'string',
    defaultText: '— (none)',
    meaning: 'Password of the Redis servers, whatever the topology (a password in `REDIS_URL` works too; two different ones are ' +
      'refused). Never logged.'
  },
  REDIS_TLS: {
    section: 'redis',
    kind: 'choice',
    default: 'false',
    values: ['true', 'false'],
    meaning: '`true`: TLS to every Redis server and sentinel (a `rediss://` URL turns it on as well).'
  },
  REDIS_TLS_CA_FILE: {
    section: 'redis',
    kind: 'string',
    defaultText: '— (the system\'s CAs)',
    meaning: 'With TLS: a PEM bundle of the CA(s) that signed the Redis certificates, for a private CA.'
  },
  REDIS_TLS_SERVERNAME: {
    section: 'redis',
    kind: 'string',
    defaultText: '— (the address connected to)',
    meaning: 'With TLS: the name the Redis certificates carry, checked instead of the address. Sentinel and Cluster hand out IP ' +
      'addresses, which certificates rarely name.'
  },
  REDIS_COMMAND_TIMEOUT_MS: {
    section: 'redis',
    kind: 'integer',
    default: 150,
    min: 10,
    max: 5_000,
    meaning: 'Bound on every Redis command; past it the cache fails open (a miss).'
  }
} as const satisfies Record<string, VariableSpec>
