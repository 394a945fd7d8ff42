import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CardsAllSchema } from '../schemas/cards-all.js'
import { CardSchema, CardsPageSchema } from '../schemas/cards-page.js'
import { ProblemSchema } from '../schemas/problem.js'

/**
 * The named schemas of the API contract, shared at the root: routes refer to them by `$id`
 * (`CardsPage#`, `Problem#`), and the OpenAPI document lists each under `components.schemas`,
 * where client generators and Swagger UI's Schemas section find them by name.
 */
async function apiSchemas (app: FastifyInstance): Promise<void> {
  for (const schema of [ProblemSchema, CardSchema, CardsPageSchema, CardsAllSchema]) app.addSchema(schema)
}

export default fp(apiSchemas, { name: 'api-schemas' })
