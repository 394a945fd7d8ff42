/** An OpenAPI response entry for a problem, so every error is documented as application/problem+json. */
export function problemResponse (description: string): { description: string, content: Record<string, { schema: { $ref: string } }> } {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } }
  }
}
