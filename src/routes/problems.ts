import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemInstance, sendProblem } from '../http/problem.js'
import { addVary } from '../http/vary.js'
import type { ProblemDefinition } from '../problems/problem-definition.js'
import { ProblemError } from '../problems/problem-error.js'
import { asProblemName, PROBLEM_NAMES, PROBLEM_TYPE_PREFIX, problemDefinition, problemType } from '../problems/registry.js'

// Self-contained pages: inline styles only, so nothing else may load (no scripts, images or fonts).
const CSP = 'default-src \'none\'; style-src \'unsafe-inline\'; base-uri \'none\'; form-action \'none\'; frame-ancestors \'none\''
const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}' +
  'h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:1.5rem}code{background:#f3f3f3;padding:0 .2em}' +
  '.status{color:#555}li{margin:.3rem 0}a{color:#0b57d0}'

/** RFC 9457 §3.1.1. Hidden from the OpenAPI document: documentation, not API. */
export default async function problemRoutes (app: FastifyInstance): Promise<void> {
  app.get('/problems', { schema: { hide: true } }, async (request, reply) => {
    const entries = PROBLEM_NAMES.map((name) => ({ type: problemType(name), doc: problemDefinition(name) }))
    if (prefersJson(request)) {
      return await sendJson(reply, entries.map(({ type, doc }) => ({ type, title: doc.title, status: doc.status })))
    }
    const items = entries.map(({ type, doc }) =>
      `<li><a href="${type}"><code>${type}</code></a> <span class="status">${doc.status}</span> ${inline(doc.title)}</li>`)
    const instanceExample = escapeHtml(problemInstance('<X-Request-Id>'))
    return await sendHtml(reply, 'Problem types', `<h1>Problem types</h1>
<p>Every error this service sends is <code>application/problem+json</code> (RFC 9457). Its <code>type</code> is one of these;
its <code>instance</code> is the request id (<code>${instanceExample}</code>), the key to the service's logs.</p>
<ul>${items.join('\n')}</ul>
<p><a href="/docs">API documentation</a></p>`)
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/problems/:name', {
    schema: { hide: true, params: Type.Object({ name: Type.String() }) }
  }, async (request, reply) => {
    const name = asProblemName(request.params.name)
    if (name === undefined) {
      return sendProblem(request, reply,
        new ProblemError('not-found', `There is no problem type ${PROBLEM_TYPE_PREFIX}${request.params.name}`))
    }
    const type = problemType(name)
    const doc = problemDefinition(name)
    if (prefersJson(request)) return await sendJson(reply, { type, ...doc })
    return await sendHtml(reply, doc.title, page(type, doc))
  })
}

function page (type: string, doc: ProblemDefinition): string {
  return `<h1>${inline(doc.title)}</h1>
<p class="status">HTTP ${doc.status} · <code>${type}</code></p>
<h2>What happened</h2>
<p>${inline(doc.what)}</p>
<h2>Should the caller retry?</h2>
<p>${inline(doc.retry)}</p>
<h2>What an operator should check</h2>
<p>${inline(doc.operator)}</p>
<p>The problem's <code>instance</code> is the request id (also in the <code>X-Request-Id</code> header):
search the logs for it. <code>request_id</code>, when present, is WeChat Pay's Request-ID for WeChat Pay support.</p>
<p><a href="${PROBLEM_TYPE_PREFIX.slice(0, -1)}">All problem types</a> · <a href="/docs">API documentation</a></p>`
}

async function sendHtml (reply: FastifyReply, title: string, body: string): Promise<FastifyReply> {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · wxpay-cards-bff</title><style>${STYLE}</style></head>
<body>
${body}
</body></html>
`
  return await withCommonHeaders(reply).header('content-security-policy', CSP).type('text/html; charset=utf-8').send(html)
}

async function sendJson (reply: FastifyReply, body: unknown): Promise<FastifyReply> {
  return await withCommonHeaders(reply).type('application/json; charset=utf-8').send(body)
}

function withCommonHeaders (reply: FastifyReply): FastifyReply {
  addVary(reply, 'Accept')
  return reply.headers({ 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' })
}

function inline (text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** RFC 9110 §12.5.1: each type takes the q of its most specific range; a tie, or no header, means HTML. */
export function prefersJson (request: FastifyRequest): boolean {
  const header = request.headers.accept
  if (header === undefined || header === '') return false
  const ranges = header.split(',').map(parseRange)
  const json = Math.max(quality(ranges, 'application', 'json'), quality(ranges, 'application', 'problem+json'))
  return json > quality(ranges, 'text', 'html')
}

interface Range { type: string, subtype: string, q: number }

function parseRange (part: string): Range {
  const [media = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
  const [type = '', subtype = ''] = media.split('/')
  const qParam = params.find((p) => p.startsWith('q='))
  const q = qParam === undefined ? 1 : Number(qParam.slice(2))
  return { type, subtype, q: Number.isFinite(q) ? q : 0 }
}

function quality (ranges: Range[], type: string, subtype: string): number {
  let best = { specificity: 0, q: 0 }
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype
      ? 3
      : range.type === type && range.subtype === '*' ? 2 : range.type === '*' && range.subtype === '*' ? 1 : 0
    if (specificity > best.specificity) best = { specificity, q: range.q }
  }
  return best.q
}
