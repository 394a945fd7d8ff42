import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { withRequestIdHeader } from '../openapi/request-id-header.js'
import { withSandboxFaultParameter } from '../openapi/sandbox-fault-parameter.js'
import { swaggerUiOnDemand } from '../openapi/swagger-ui-on-demand.js'
import { SERVICE_VERSION } from '../version.js'

/** The one server is `/`, so no environment's host is baked in. */
async function docs (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'wxpay-cards-bff',
        version: SERVICE_VERSION,
        description: 'Internal, unsigned access to the merchant\'s WeChat Pay member-card templates. ' +
          'This service signs every call with the merchant\'s API private key, verifies every answer, and reports ' +
          'every failure as RFC 9457 application/problem+json.',
        // No licence is granted outside the merchant: SPDX has no identifier for that.
        license: { name: 'Proprietary: internal use only', identifier: 'LicenseRef-Proprietary' }
      },
      servers: [{ url: '/' }],
      tags: [
        { name: 'cards', description: 'Member-card templates (会员卡模板)' },
        { name: 'operations', description: 'Health and readiness' }
      ],
      components: {
        securitySchemes: {
          // Always declared, so Swagger UI's Authorize button works whenever tokens are configured.
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token of INTERNAL_API_TOKENS (the card routes, once it is set) or of CACHE_ADMIN_TOKENS (purging the cache).'
          }
        }
      }
    },
    transformObject: (document) => 'openapiObject' in document
      ? withSandboxFaultParameter(withRequestIdHeader(document.openapiObject))
      : document.swaggerObject,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
    }
  })
  swaggerUiOnDemand(app, {
    routePrefix: '/docs',
    // "Try it out" stays a button, as the README's steps say.
    uiConfig: { docExpansion: 'list', deepLinking: true },
    staticCSP: true,
    // Without this, a browser on http://<host>:3000 (not localhost) upgrades every asset and the
    // "Try it out" call to https and the page stays blank (fastify/fastify-swagger#690).
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, '')
  })
}

export default fp(docs, { name: 'docs' })
