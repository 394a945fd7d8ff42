/** @see https://www.rfc-editor.org/rfc/rfc9457#name-type */
export interface ProblemDefinition {
  status: number
  title: string
  retryable: boolean
  /** Sent as Retry-After when the site raising the problem knows no better wait. */
  retryAfterSeconds?: number
  what: string
  retry: string
  operator: string
}

export const RETRY_LATER = 'Yes, later, with backoff; a stale cached page may be served meanwhile.'
export const NO_RETRY = 'No: the same request will fail the same way.'
