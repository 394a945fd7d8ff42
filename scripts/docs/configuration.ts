import { VARIABLE_NAMES, variable, type VariableName } from '../../src/config/variables.js'
import type { Section, VariableSpec } from '../../src/config/variables/variable.js'
import { cell, generatedNotice, plain, wrap } from './markdown.js'

const SECTIONS: Record<Section, string> = {
  server: 'Server',
  wechatpay: 'WeChat Pay',
  protection: 'Callers and load',
  cache: 'Cache',
  redis: 'Redis',
  tracing: 'Tracing'
}

/** The default as the docs show it: the table's own words, else the value, else none. */
function defaultOf (spec: VariableSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText
  return 'default' in spec && spec.default !== undefined ? `\`${spec.default}\`` : '—'
}

/** The meaning, with the bounds and choices the reader enforces. */
function meaningOf (spec: VariableSpec): string {
  if (spec.kind === 'integer') return `${spec.meaning} An integer from ${spec.min} to ${spec.max}.`
  if (spec.kind === 'choice') return `${spec.meaning} One of ${spec.values.map((value) => `\`${value}\``).join(', ')}.`
  return spec.meaning
}

function namesIn (section: Section): VariableName[] {
  return VARIABLE_NAMES.filter((name) => variable(name).section === section)
}

/** docs/configuration.md: every variable, its default and meaning, grouped as the configuration's slices. */
export function renderConfigurationDoc (): string {
  const out = [
    '# Configuration',
    '',
    `<!-- ${generatedNotice('the table in src/config/variables/')} -->`,
    '',
    'Environment variables only; a `.env` file in the working directory may supply them (real environment variables win).',
    'An empty value counts as unset. Every problem is reported at once at start-up, and the process exits non-zero.',
    '[`.env.example`](../.env.example) lists every variable with the value the compose stack uses.',
    'Secrets (the private key, the APIv3 key, `Authorization` values, WeChat Pay\'s `sign_information`) are never logged or returned.'
  ]
  for (const [section, title] of Object.entries(SECTIONS) as Array<[Section, string]>) {
    out.push('', `## ${title}`, '', '| Variable | Default | Meaning |', '|---|---|---|')
    for (const name of namesIn(section)) {
      const spec = variable(name)
      out.push(`| \`${name}\` | ${cell(defaultOf(spec))} | ${cell(meaningOf(spec))} |`)
    }
  }
  return out.join('\n') + '\n'
}

/** .env.example: every variable, set to the compose stack's value, each with its meaning as a comment. */
export function renderEnvExample (): string {
  const out = [
    // eslint-disable-next-line no-template-curly-in-string -- compose's own syntax, quoted
    '# wxpay-cards-bff settings. Copy to .env and edit: `docker compose` reads .env for the ${VAR:-default} values in',
    '# docker-compose.yml, and `node dist/server.js` loads a .env in its working directory too (real environment variables',
    '# win over it). No real secrets here. An empty value counts as unset. Every variable is explained in docs/configuration.md.',
    `# ${plain(generatedNotice('the table in src/config/variables/'))}`
  ]
  for (const [section, title] of Object.entries(SECTIONS) as Array<[Section, string]>) {
    out.push('', `# --- ${title} ---`)
    for (const name of namesIn(section)) {
      const spec = variable(name)
      out.push(...wrap(`${plain(meaningOf(spec))} Default: ${plain(defaultOf(spec)).replace(/^—/, 'unset')}.`, 120, '# '))
      const value = spec.example ?? ('default' in spec && spec.default !== undefined ? String(spec.default) : '')
      out.push(`${name}=${value}`)
    }
  }
  return out.join('\n') + '\n'
}
