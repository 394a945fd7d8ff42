import { PROBLEM_NAMES, problemDefinition, problemType, type ProblemName } from '../../src/problems/registry.js'
import { WECHATPAY_ERROR_CODES } from '../../src/wechatpay/errors.js'
import { cell, generatedNotice } from './markdown.js'

/** The WeChat Pay codes that become this problem, as the error table maps them. */
function codesOf (name: ProblemName): string[] {
  return Object.entries(WECHATPAY_ERROR_CODES).filter(([, problem]) => problem === name).map(([code]) => code)
}

/** docs/problems.md: every problem type, with the text its `GET /problems/<name>` page shows. */
export function renderProblemsDoc (): string {
  const out = [
    '# Problem types',
    '',
    `<!-- ${generatedNotice('the registry in src/problems/')} -->`,
    '',
    'Every non-2xx answer is `application/problem+json` ([RFC 9457](https://www.rfc-editor.org/rfc/rfc9457)) with `type`, `title`,',
    '`status`, `detail` and `instance` (this request\'s id as `urn:request:<X-Request-Id>`); problems from WeChat Pay add `code`',
    '(WeChat Pay\'s error code, verbatim) and `request_id` (its `Request-ID`). Each `type` resolves on the service:',
    '`GET /problems/<name>` shows the text below (JSON with `Accept: application/json`), and `GET /problems` lists them all.',
    '',
    '| `type` | Status | Title | WeChat Pay codes | Retry? |',
    '|---|---|---|---|---|'
  ]
  for (const name of PROBLEM_NAMES) {
    const doc = problemDefinition(name)
    const codes = codesOf(name).map((code) => `\`${code}\``).join(', ')
    out.push(`| [\`${problemType(name)}\`](#${name}) | ${doc.status} | ${cell(doc.title)} | ${codes} | ${doc.retryable ? 'yes' : 'no'} |`)
  }
  for (const name of PROBLEM_NAMES) {
    const doc = problemDefinition(name)
    const retryAfter = doc.retryAfterSeconds === undefined
      ? ''
      : ` (\`Retry-After\`: ${doc.retryAfterSeconds} s unless the answer says otherwise)`
    out.push('', `## ${name}`, '', `\`${problemType(name)}\` · HTTP ${doc.status} · ${doc.title}`, '',
      `- **What happened:** ${doc.what}`,
      `- **Should the caller retry?** ${doc.retry}${retryAfter}`,
      `- **What an operator should check:** ${doc.operator}`)
  }
  return out.join('\n') + '\n'
}
