// Generated from openapi/openapi.json by `npm run openapi` with openapi-typescript: do not edit by hand
// (a test fails when they differ).

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up (no I/O) */
        get: operations["checkLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the service can serve /cards
         * @description Anyone gets the status and each check's state; a caller with a valid token also gets where Redis is and which keys verify answers.
         */
        get: operations["checkReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cards/all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List every member-card template in one call
         * @description Reads WeChat Pay's pages of 20 (page 0 first, for `total_count`, then the rest a few at a time) through the same cache as `GET /cards`, and returns every card in WeChat Pay's order, each exactly as WeChat Pay sent it. It never returns a partial list: a failed page fails the call, naming the page. Lists over `CARDS_ALL_MAX` cards are refused (422): page through them with `GET /cards`. `Cache-Status` is a hit only when every page was; `Cache-Control: no-cache` refreshes every page; `If-None-Match` gets a 304. A replica runs at most `CARDS_ALL_CONCURRENCY` of these calls at once (503 past it), at most 2 of them for one caller (429 past it).
         */
        get: operations["listAllCards"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List member-card templates (查询会员卡模板列表)
         * @description One page of the merchant's member-card templates from WeChat Pay `GET /v3/marketing/membercard-open/cards`, signed by this service and verified before it is returned. The body is exactly what WeChat Pay sent. Pages are cached (see `Cache-Status`); send `Cache-Control: no-cache` to force a fresh fetch, `If-None-Match` to get a 304.
         */
        get: operations["listCards"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cards/{card_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One member-card template (查询会员卡模板信息)
         * @description One of the merchant's member-card templates from WeChat Pay `GET /v3/marketing/membercard-open/cards/{card_id}`, signed by this service and verified before it is returned: exactly the bytes WeChat Pay sent, the same object as an element of a `GET /cards` page. Cached like a page (see `Cache-Status`); `Cache-Control: no-cache` forces a fresh fetch, `If-None-Match` gets a 304. An unknown id is a 404, remembered for a few seconds.
         */
        get: operations["getCard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cards/cache": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Drop cached answers
         * @description `appid` drops every cached page of the appid; with `brand_id`, only the pages filtered by that brand and the unfiltered pages (which include its cards), other brands' pages stay.
         */
        delete: operations["purgeCardsCache"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details. */
        Problem: {
            /**
             * @description A stable identifier of the kind of problem. It resolves on this service: `GET /problems/<name>` explains it (`about:blank`: the HTTP status says it all).
             * @enum {string}
             */
            type: "/problems/invalid-request" | "/problems/not-found" | "/problems/method-not-allowed" | "/problems/query-too-long" | "/problems/unauthorized" | "/problems/purge-not-configured" | "/problems/request-body-not-allowed" | "/problems/rate-limited" | "/problems/auth-failures-exceeded" | "/problems/purge-not-allowed" | "/problems/refresh-limited" | "/problems/upstream-share-exceeded" | "/problems/too-many-walks" | "/problems/overloaded" | "/problems/walks-busy" | "/problems/cache-unavailable" | "/problems/keys-unavailable" | "/problems/too-many-cards" | "/problems/cards-changed-during-walk" | "/problems/internal-error" | "/problems/upstream-param-error" | "/problems/upstream-invalid-request" | "/problems/upstream-bad-request" | "/problems/upstream-no-auth" | "/problems/upstream-forbidden" | "/problems/upstream-not-found" | "/problems/upstream-rate-limited" | "/problems/upstream-sign-error" | "/problems/upstream-system-error" | "/problems/upstream-unavailable" | "/problems/upstream-error" | "/problems/upstream-unexpected-status" | "/problems/upstream-signature-invalid" | "/problems/upstream-bad-response" | "/problems/upstream-unreachable" | "/problems/upstream-budget-exhausted" | "/problems/upstream-timeout" | "/problems/card-not-found" | "about:blank";
            /** @description A short summary of the kind of problem. */
            title: string;
            /** @description The HTTP status of this response. */
            status: number;
            /** @description What went wrong this time; WeChat Pay's message when it sent one. */
            detail: string;
            /**
             * @description This request's id as a URI, `urn:request:<X-Request-Id>`: the same id as the `X-Request-Id` header and every log line of the request. Quote it to the operators.
             * @example urn:request:0b7e4c1e-5d6f-4a8e-9c2b-3f1d2e4a5b6c
             */
            instance: string;
            /** @description WeChat Pay's error code, verbatim (e.g. PARAM_ERROR, `PARAM ERROR`). */
            code?: string;
            /** @description WeChat Pay's Request-ID: quote it to WeChat Pay support. */
            request_id?: string;
            /** @description Every invalid parameter, for 400 invalid-request problems. */
            invalid_params?: {
                name: string;
                in: string;
                reason: string;
            }[];
        };
        /** @description A member-card template (会员卡模板), exactly as WeChat Pay sent it. */
        Card: {
            /** @description Card template ID (会员卡模板ID). */
            card_id?: string;
            /** @description Created at (创建时间), RFC 3339. */
            create_time?: string;
            /** @description Updated at (更新时间), RFC 3339. */
            update_time?: string;
            /** @description Remaining stock (剩余库存). */
            remain_quantity?: number;
            /** @description Review status (会员卡状态): NOT_APPROVE, APPROVE_FAIL, APPROVED, DELETED. */
            status?: string;
            brand?: {
                /** @description Brand ID (品牌ID). */
                brand_id?: string;
                /** @description Brand display name (品牌展示名称). */
                display_name?: string;
            };
            /** @description Official Account AppID (商户AppID). */
            appid?: string;
            /** @description Logo image URL (商户logo). */
            logo_url?: string;
            /** @description Card title (会员卡标题). */
            title?: string;
            /** @description Background image URL (会员卡背景图). */
            background_picture_url?: string;
            /** @description Terms of use (使用说明). */
            description?: string;
            /** @description Customer service phone (客服电话). */
            service_phone?: string;
            /** @description Code display (code展示类型), e.g. BAR_CODE, QRCODE. */
            code_type?: string;
            /** @description Total stock (总库存). */
            total_quantity?: number;
            date_information?: {
                /** @description Validity type (有效期类型), e.g. FIX_TIME_RANGE, PERMANENT. */
                type?: string;
                /** @description Valid from (有效期开始时间), RFC 3339. */
                available_begin_time?: string;
                /** @description Valid until (有效期结束时间), RFC 3339. */
                available_end_time?: string;
                /** @description Days valid after receipt (领取后有效天数). */
                available_day_after_receive?: number;
                /** @description Days before it takes effect (领取后几天生效). */
                wait_days_after_receive?: number;
            };
            /** @description Code allocation (code分配类型), e.g. SYSTEM_ALLOCATE. */
            code_mode?: string;
            /** @description Whether the member level is shown (是否展示会员等级). */
            need_display_level?: boolean;
            /** @description Initial member level (初始会员等级). */
            init_level?: string;
            /** @description Merchant request number used at creation (商户请求单号). */
            out_request_no?: string;
            balance_information?: {
                /** @description Whether stored value is shown (是否展示储值). */
                need_balance?: boolean;
                /** @description Mini program AppID of the balance page (储值小程序AppID). */
                balance_appid?: string;
                /** @description Mini program path of the balance page (储值小程序路径). */
                balance_path?: string;
                /** @description Web page of the balance (储值网页链接). */
                balance_url?: string;
            };
            user_information_form?: {
                /** @description Editable after activation (激活后是否可修改). */
                can_modify_after_activate?: boolean;
                /** @description Standard fields collected (通用字段列表). */
                common_field_list?: string[];
                /** @description Custom fields collected (自定义字段列表). */
                custom_field_list?: unknown;
                /** @description Extra statement shown to members (附加说明). */
                additional_statement?: unknown;
            };
        };
        /** @description One page of card templates: the verified bytes WeChat Pay sent, passed through untouched. */
        CardsPage: {
            /** @description The card templates on this page (会员卡列表). */
            data: components["schemas"]["Card"][];
            /** @description Whether dynamic codes are on (是否启用动态码). */
            need_dynamic_code?: boolean;
            /** @description Total number of card templates (总数量). */
            total_count: number;
            /** @description The page index (分页页码). */
            offset: number;
            /** @description The page size (分页大小). */
            limit: number;
        };
        /** @description The whole list of card templates, read page by page from WeChat Pay. */
        CardsAll: {
            /** @description Every card template, in WeChat Pay's order, each exactly as WeChat Pay sent it. */
            data: components["schemas"]["Card"][];
            /** @description The number of card templates (总数量): the length of `data`. */
            total_count: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description This request's id: the one you sent in X-Request-Id when it was well formed, else a new UUID. Every log line of the request and the problem's `instance` carry it. */
        "X-Request-Id": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    checkLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: string;
                    };
                };
            };
            /** @description - [Method not allowed](/problems/method-not-allowed) */
            405: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [This route takes no request body](/problems/request-body-not-allowed) */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [The query string is too long](/problems/query-too-long) */
            414: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [Too many failed authentications from this address](/problems/auth-failures-exceeded) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    checkReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready, or degraded: serving, with Redis down or WeChat Pay unreachable. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: "ok" | "degraded" | "unavailable" | "shutting-down";
                        checks: {
                            /** @description ok, or why no key can verify WeChat Pay's answers */
                            keys: string;
                            /** @description ok, down (the cache fails open), or memory (no Redis configured: an in-process cache) */
                            redis: string;
                            /** @description ok, or unreachable while every WeChat Pay host cools down */
                            upstream: string;
                        };
                        /** @description Present when a Redis is configured, for callers with a valid token. */
                        redis?: {
                            topology: "single" | "sentinel" | "cluster";
                            /** @description Where Redis is, without credentials: redis://host:port, sentinel://…/name or cluster://… */
                            location: string;
                            /** @description ok: answering; connecting: no connection yet, or between primaries during a failover; failing-open: failing, so the cache is skipped for a few seconds */
                            state: "ok" | "connecting" | "failing-open";
                            /** @description host:port of the primaries in use */
                            primaries: string[];
                        };
                    };
                };
            };
            /** @description - [Method not allowed](/problems/method-not-allowed) */
            405: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [This route takes no request body](/problems/request-body-not-allowed) */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [The query string is too long](/problems/query-too-long) */
            414: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [Too many failed authentications from this address](/problems/auth-failures-exceeded) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Not ready: no key verifies answers, or shutting down.
             *
             *     Or a problem:
             *
             *     - [The service is overloaded](/problems/overloaded)
             */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: "ok" | "degraded" | "unavailable" | "shutting-down";
                        checks: {
                            /** @description ok, or why no key can verify WeChat Pay's answers */
                            keys: string;
                            /** @description ok, down (the cache fails open), or memory (no Redis configured: an in-process cache) */
                            redis: string;
                            /** @description ok, or unreachable while every WeChat Pay host cools down */
                            upstream: string;
                        };
                        /** @description Present when a Redis is configured, for callers with a valid token. */
                        redis?: {
                            topology: "single" | "sentinel" | "cluster";
                            /** @description Where Redis is, without credentials: redis://host:port, sentinel://…/name or cluster://… */
                            location: string;
                            /** @description ok: answering; connecting: no connection yet, or between primaries during a failover; failing-open: failing, so the cache is skipped for a few seconds */
                            state: "ok" | "connecting" | "failing-open";
                            /** @description host:port of the primaries in use */
                            primaries: string[];
                        };
                    };
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAllCards: {
        parameters: {
            query: {
                /**
                 * @description The merchant's Official Account (服务号) AppID bound to the brand: 1-32 letters, digits or underscores.
                 * @example wxea9c30890f48d5ae
                 */
                appid: string;
                /** @description Only cards of this brand (品牌ID): 1-16 letters, digits, - or _, e.g. 1001622624. */
                brand_id?: string;
            };
            header?: {
                /** @description Sandbox mode only (ignored otherwise): the WeChat Pay failure the simulator answers this call with, to see the problem production sends for it. Ask for a page not cached yet: a cached page needs no call. docs/api.md lists the problem each one gives. */
                "X-Sandbox-Fault"?: "FREQUENCY_LIMITED" | "SYSTEM_ERROR" | "NO_AUTH" | "PARAM_ERROR" | "SIGN_ERROR" | "timeout" | "bad-signature" | "unreachable";
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every card template. `Cache-Status` is `wxpay-cards-bff; hit; ttl=<least ttl>` when every page was a fresh hit, else e.g. `wxpay-cards-bff; fwd=miss; detail=pages-1/3-hit`; `Age` is the oldest page's, `max-age` the least freshness left. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`. */
                    "Cache-Status"?: string;
                    /** @description Strong validator of the page bytes; send it back in If-None-Match. */
                    ETag?: string;
                    /** @description Seconds since the page was fetched from WeChat Pay. */
                    Age?: number;
                    /** @description `private, max-age=<seconds of freshness left>`. */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CardsAll"];
                };
            };
            /** @description The combined list still matches `If-None-Match`. */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`. */
                    "Cache-Status"?: string;
                    /** @description Strong validator of the page bytes; send it back in If-None-Match. */
                    ETag?: string;
                    /** @description Seconds since the page was fetched from WeChat Pay. */
                    Age?: number;
                    /** @description `private, max-age=<seconds of freshness left>`. */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /**
             * @description - [The request has invalid parameters](/problems/invalid-request)
             *     - [WeChat Pay rejected a parameter](/problems/upstream-param-error)
             *     - [WeChat Pay refused the request](/problems/upstream-invalid-request)
             *     - [WeChat Pay rejected the request](/problems/upstream-bad-request)
             */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [A valid bearer token is required](/problems/unauthorized)
             *
             *     Only once INTERNAL_API_TOKENS or CALLERS_FILE is set.
             */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [The merchant lacks permission for member cards](/problems/upstream-no-auth)
             *     - [WeChat Pay denied access](/problems/upstream-forbidden)
             */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [WeChat Pay has no such resource](/problems/upstream-not-found) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [Method not allowed](/problems/method-not-allowed) */
            405: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [This route takes no request body](/problems/request-body-not-allowed) */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [The query string is too long](/problems/query-too-long) */
            414: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [Too many card templates for one answer](/problems/too-many-cards) */
            422: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [Too many failed authentications from this address](/problems/auth-failures-exceeded)
             *     - [Too many requests from this caller](/problems/rate-limited)
             *     - [WeChat Pay is limiting our request rate](/problems/upstream-rate-limited)
             *     - [This caller used its share of the WeChat Pay budget](/problems/upstream-share-exceeded)
             *     - [Too many GET /cards/all calls from this caller at once](/problems/too-many-walks)
             */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [WeChat Pay refused our signature](/problems/upstream-sign-error)
             *     - [WeChat Pay had an internal error](/problems/upstream-system-error)
             *     - [WeChat Pay is temporarily unavailable](/problems/upstream-unavailable)
             *     - [WeChat Pay answered with an error](/problems/upstream-error)
             *     - [WeChat Pay answered with an unexpected status](/problems/upstream-unexpected-status)
             *     - [WeChat Pay's answer failed signature verification](/problems/upstream-signature-invalid)
             *     - [WeChat Pay's answer was not what the endpoint returns](/problems/upstream-bad-response)
             *     - [WeChat Pay could not be reached](/problems/upstream-unreachable)
             */
            502: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [The service is overloaded](/problems/overloaded)
             *     - [The merchant's WeChat Pay request budget is used up for now](/problems/upstream-budget-exhausted)
             *     - [No key to verify WeChat Pay's answers is available](/problems/keys-unavailable)
             *     - [This replica runs as many GET /cards/all calls as it allows](/problems/walks-busy)
             *     - [The card list changed while it was being read](/problems/cards-changed-during-walk)
             */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [WeChat Pay did not answer in time](/problems/upstream-timeout) */
            504: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCards: {
        parameters: {
            query: {
                /**
                 * @description The merchant's Official Account (服务号) AppID bound to the brand: 1-32 letters, digits or underscores.
                 * @example wxea9c30890f48d5ae
                 */
                appid: string;
                /**
                 * @description Page index, from 0 (分页页码) — not an item offset: offset=1&limit=20 is cards 21-40.
                 * @example 0
                 */
                offset: number;
                /**
                 * @description Page size, 1-20 (分页大小).
                 * @example 10
                 */
                limit: number;
                /** @description Only cards of this brand (品牌ID): 1-16 letters, digits, - or _, e.g. 1001622624. */
                brand_id?: string;
            };
            header?: {
                /** @description Sandbox mode only (ignored otherwise): the WeChat Pay failure the simulator answers this call with, to see the problem production sends for it. Ask for a page not cached yet: a cached page needs no call. docs/api.md lists the problem each one gives. */
                "X-Sandbox-Fault"?: "FREQUENCY_LIMITED" | "SYSTEM_ERROR" | "NO_AUTH" | "PARAM_ERROR" | "SIGN_ERROR" | "timeout" | "bad-signature" | "unreachable";
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A verified page, byte for byte as WeChat Pay sent it. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`. */
                    "Cache-Status"?: string;
                    /** @description Strong validator of the page bytes; send it back in If-None-Match. */
                    ETag?: string;
                    /** @description Seconds since the page was fetched from WeChat Pay. */
                    Age?: number;
                    /** @description `private, max-age=<seconds of freshness left>`. */
                    "Cache-Control"?: string;
                    /** @description WeChat Pay's Request-ID of the call that fetched the page. */
                    "X-Wechatpay-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CardsPage"];
                };
            };
            /** @description The page still matches `If-None-Match`. */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`. */
                    "Cache-Status"?: string;
                    /** @description Strong validator of the page bytes; send it back in If-None-Match. */
                    ETag?: string;
                    /** @description Seconds since the page was fetched from WeChat Pay. */
                    Age?: number;
                    /** @description `private, max-age=<seconds of freshness left>`. */
                    "Cache-Control"?: string;
                    /** @description WeChat Pay's Request-ID of the call that fetched the page. */
                    "X-Wechatpay-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /**
             * @description - [The request has invalid parameters](/problems/invalid-request)
             *     - [WeChat Pay rejected a parameter](/problems/upstream-param-error)
             *     - [WeChat Pay refused the request](/problems/upstream-invalid-request)
             *     - [WeChat Pay rejected the request](/problems/upstream-bad-request)
             */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [A valid bearer token is required](/problems/unauthorized)
             *
             *     Only once INTERNAL_API_TOKENS or CALLERS_FILE is set.
             */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [The merchant lacks permission for member cards](/problems/upstream-no-auth)
             *     - [WeChat Pay denied access](/problems/upstream-forbidden)
             */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [WeChat Pay has no such resource](/problems/upstream-not-found) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [Method not allowed](/problems/method-not-allowed) */
            405: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [This route takes no request body](/problems/request-body-not-allowed) */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [The query string is too long](/problems/query-too-long) */
            414: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [Too many failed authentications from this address](/problems/auth-failures-exceeded)
             *     - [Too many requests from this caller](/problems/rate-limited)
             *     - [WeChat Pay is limiting our request rate](/problems/upstream-rate-limited)
             *     - [This caller used its share of the WeChat Pay budget](/problems/upstream-share-exceeded)
             */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [WeChat Pay refused our signature](/problems/upstream-sign-error)
             *     - [WeChat Pay had an internal error](/problems/upstream-system-error)
             *     - [WeChat Pay is temporarily unavailable](/problems/upstream-unavailable)
             *     - [WeChat Pay answered with an error](/problems/upstream-error)
             *     - [WeChat Pay answered with an unexpected status](/problems/upstream-unexpected-status)
             *     - [WeChat Pay's answer failed signature verification](/problems/upstream-signature-invalid)
             *     - [WeChat Pay's answer was not what the endpoint returns](/problems/upstream-bad-response)
             *     - [WeChat Pay could not be reached](/problems/upstream-unreachable)
             */
            502: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [The service is overloaded](/problems/overloaded)
             *     - [The merchant's WeChat Pay request budget is used up for now](/problems/upstream-budget-exhausted)
             *     - [No key to verify WeChat Pay's answers is available](/problems/keys-unavailable)
             */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [WeChat Pay did not answer in time](/problems/upstream-timeout) */
            504: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCard: {
        parameters: {
            query?: never;
            header?: {
                /** @description Sandbox mode only (ignored otherwise): the WeChat Pay failure the simulator answers this call with, to see the problem production sends for it. Ask for a page not cached yet: a cached page needs no call. docs/api.md lists the problem each one gives. */
                "X-Sandbox-Fault"?: "FREQUENCY_LIMITED" | "SYSTEM_ERROR" | "NO_AUTH" | "PARAM_ERROR" | "SIGN_ERROR" | "timeout" | "bad-signature" | "unreachable";
            };
            path: {
                /**
                 * @description The card template's id (会员卡模板ID), as GET /cards lists it: 1-32 letters, digits, - or _.
                 * @example pbLatjvWOibDc5-TBnbUk1pD12o0
                 */
                card_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The verified template, byte for byte as WeChat Pay sent it. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`. */
                    "Cache-Status"?: string;
                    /** @description Strong validator of the page bytes; send it back in If-None-Match. */
                    ETag?: string;
                    /** @description Seconds since the page was fetched from WeChat Pay. */
                    Age?: number;
                    /** @description `private, max-age=<seconds of freshness left>`. */
                    "Cache-Control"?: string;
                    /** @description WeChat Pay's Request-ID of the call that fetched the page. */
                    "X-Wechatpay-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Card"];
                };
            };
            /** @description The template still matches `If-None-Match`. */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`. */
                    "Cache-Status"?: string;
                    /** @description Strong validator of the page bytes; send it back in If-None-Match. */
                    ETag?: string;
                    /** @description Seconds since the page was fetched from WeChat Pay. */
                    Age?: number;
                    /** @description `private, max-age=<seconds of freshness left>`. */
                    "Cache-Control"?: string;
                    /** @description WeChat Pay's Request-ID of the call that fetched the page. */
                    "X-Wechatpay-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /**
             * @description - [The request has invalid parameters](/problems/invalid-request)
             *     - [WeChat Pay rejected a parameter](/problems/upstream-param-error)
             *     - [WeChat Pay refused the request](/problems/upstream-invalid-request)
             *     - [WeChat Pay rejected the request](/problems/upstream-bad-request)
             */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [A valid bearer token is required](/problems/unauthorized)
             *
             *     Only once INTERNAL_API_TOKENS or CALLERS_FILE is set.
             */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [The merchant lacks permission for member cards](/problems/upstream-no-auth)
             *     - [WeChat Pay denied access](/problems/upstream-forbidden)
             */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [WeChat Pay has no such resource](/problems/upstream-not-found)
             *     - [No card template has this id](/problems/card-not-found)
             */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [Method not allowed](/problems/method-not-allowed) */
            405: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [This route takes no request body](/problems/request-body-not-allowed) */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [The query string is too long](/problems/query-too-long) */
            414: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [Too many failed authentications from this address](/problems/auth-failures-exceeded)
             *     - [Too many requests from this caller](/problems/rate-limited)
             *     - [WeChat Pay is limiting our request rate](/problems/upstream-rate-limited)
             *     - [This caller used its share of the WeChat Pay budget](/problems/upstream-share-exceeded)
             */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [WeChat Pay refused our signature](/problems/upstream-sign-error)
             *     - [WeChat Pay had an internal error](/problems/upstream-system-error)
             *     - [WeChat Pay is temporarily unavailable](/problems/upstream-unavailable)
             *     - [WeChat Pay answered with an error](/problems/upstream-error)
             *     - [WeChat Pay answered with an unexpected status](/problems/upstream-unexpected-status)
             *     - [WeChat Pay's answer failed signature verification](/problems/upstream-signature-invalid)
             *     - [WeChat Pay's answer was not what the endpoint returns](/problems/upstream-bad-response)
             *     - [WeChat Pay could not be reached](/problems/upstream-unreachable)
             */
            502: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [The service is overloaded](/problems/overloaded)
             *     - [The merchant's WeChat Pay request budget is used up for now](/problems/upstream-budget-exhausted)
             *     - [No key to verify WeChat Pay's answers is available](/problems/keys-unavailable)
             */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [WeChat Pay did not answer in time](/problems/upstream-timeout) */
            504: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    purgeCardsCache: {
        parameters: {
            query?: {
                /**
                 * @description The merchant's Official Account (服务号) AppID bound to the brand: 1-32 letters, digits or underscores.
                 * @example wxea9c30890f48d5ae
                 */
                appid?: string;
                /** @description Only cards of this brand (品牌ID): 1-16 letters, digits, - or _, e.g. 1001622624. */
                brand_id?: string;
                /** @description Drops one cached card template. */
                card_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Dropped: the next request for those pages goes to WeChat Pay. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description - [The request has invalid parameters](/problems/invalid-request) */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [A valid bearer token is required](/problems/unauthorized) */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [Purging the cache is not configured](/problems/purge-not-configured)
             *     - [This caller may not purge the cache](/problems/purge-not-allowed)
             */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [Method not allowed](/problems/method-not-allowed) */
            405: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [This route takes no request body](/problems/request-body-not-allowed) */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description - [The query string is too long](/problems/query-too-long) */
            414: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [Too many failed authentications from this address](/problems/auth-failures-exceeded)
             *     - [Too many requests from this caller](/problems/rate-limited)
             *     - [Too many forced refreshes from this caller](/problems/refresh-limited)
             */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description - [The service is overloaded](/problems/overloaded)
             *     - [The cache is unavailable](/problems/cache-unavailable)
             */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
