/**
 * What the service declares once about each kind of problem it can send: the status and title of
 * every answer of that kind, whether retrying can help, and the text of its `GET /problems/<name>`
 * page, so a `type` resolves to documentation (RFC 9457 §3.1.1).
 * @see https://www.rfc-editor.org/rfc/rfc9457#name-type
 */
export interface ProblemDefinition {
  status: number
  title: string
  /** Whether the same request may succeed later. */
  retryable: boolean
  /** Sent as Retry-After when the site raising the problem knows no better wait. */
  retryAfterSeconds?: number
  /** What happened, in a sentence or two. */
  what: string
  /** Whether the same request may succeed later, and when, for a person. */
  retry: string
  /** What an operator should look at. */
  operator: string
}

export const RETRY_LATER = 'Yes, later, with backoff; a stale cached page may be served meanwhile.'
export const NO_RETRY = 'No: the same request will fail the same way.'
