/**
 * Whether a caller takes gzip (RFC 9110 §12.5.3): `gzip` or `*` with a non-zero q, unless `gzip`
 * itself says q=0. Anything unparsable counts as no.
 */
export function acceptsGzip (header: string | undefined): boolean {
  if (header === undefined || header === '') return false
  let star = false
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';')
    const name = coding.trim().toLowerCase()
    if (name !== 'gzip' && name !== '*') continue
    const q = params.map((param) => param.trim().toLowerCase()).find((param) => param.startsWith('q='))
    const weight = q === undefined ? 1 : Number(q.slice(2))
    const accepted = Number.isFinite(weight) && weight > 0
    if (name === 'gzip') return accepted
    star = accepted
  }
  return star
}
