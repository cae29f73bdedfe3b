// The linkup.yaml JSON Schema, kept as a typed constant so TypeScript types derive from it
// (json-schema-to-ts) and `linkup.schema.json` is generated from it (`npm run schema`).
// A test checks the committed JSON equals this object, so the two cannot drift.

const regexString = {
  type: "string",
  minLength: 1,
  description: "A regular expression (unanchored: it may match anywhere unless you add ^ or $).",
} as const;

const nullableArray = <const T extends object, const D extends string>(items: T, description: D) =>
  ({
    type: ["array", "null"],
    items,
    description,
  }) as const;

export const configSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://linkup.dev/schema/linkup.schema.json",
  title: "Linkup configuration (linkup.yaml)",
  description:
    "Declares the services of a system, the domains they answer on, and the sessions (views of the system) Linkup keeps in place.",
  type: "object",
  additionalProperties: false,
  required: ["services", "domains"],
  properties: {
    $schema: { type: "string", description: "Editor hint; ignored by Linkup." },
    linkup: {
      type: "object",
      description: "Where the edge worker lives and settings shared by every session.",
      additionalProperties: false,
      properties: {
        worker_url: {
          type: ["string", "null"],
          description:
            "URL of the deployed Linkup worker. Leave out to run the worker on this machine (the embedded default).",
        },
        worker_token: {
          type: ["string", "null"],
          description: "Bearer token for the worker's API. Use ${VAR} to keep it out of git.",
        },
        cache_routes: nullableArray(
          regexString,
          "Path regexes whose responses may be cached; every other response gets Cache-Control: no-store.",
        ),
        config_id: {
          type: "string",
          pattern: "^[a-z0-9][a-z0-9._-]{0,62}$",
          description:
            "Identity recorded on sessions this config manages (used by `apply --prune`). Defaults to the config file's directory name.",
        },
      },
    },
    services: {
      type: "array",
      minItems: 1,
      description: "The services of the system.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1, description: "Service name, referenced by domains and sessions." },
          local: { type: "string", description: "URL of the copy running on this machine (http or https)." },
          remote: { type: "string", description: "URL of the shared deployed copy (http or https)." },
          directory: {
            type: ["string", "null"],
            description: "Source directory, relative to the config file; its .env.*.linkup files are injected on start.",
          },
          rewrites: nullableArray(
            {
              type: "object",
              additionalProperties: false,
              required: ["source", "target"],
              properties: {
                source: regexString,
                target: { type: "string", description: "Replacement path; $1 (or ${1}) refers to a capture group." },
              },
            },
            "Path rewrites applied in order before the request is forwarded.",
          ),
          timeouts: {
            type: ["object", "null"],
            additionalProperties: false,
            description: "Limits on waiting for this service (docs/reliability.md). Streams and WebSockets are never cut once the response has started.",
            properties: {
              headers: {
                type: "number",
                exclusiveMinimum: 0,
                maximum: 86400,
                description:
                  "Seconds to wait for the service's response headers before answering 504 (default 300, so long polls, event streams and paused debuggers still work).",
              },
              connection_wait: {
                type: "number",
                exclusiveMinimum: 0,
                maximum: 86400,
                description:
                  "Seconds a request may wait for a free connection to the service's origin on the local server (256 at most per origin) before answering 503 (default 5).",
              },
            },
          },
          health: {
            type: ["object", "null"],
            additionalProperties: false,
            description: "How `linkup status` probes the service.",
            properties: {
              path: { type: ["string", "null"], description: "Path to GET, e.g. /health." },
              statuses: nullableArray(
                { type: "integer", minimum: 100, maximum: 599 },
                "Statuses that count as healthy (default: any status below 500).",
              ),
            },
          },
        },
      },
    },
    domains: {
      type: "array",
      minItems: 1,
      description: "Domains and how their paths map to services.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["domain", "default_service"],
        properties: {
          domain: { type: "string", minLength: 1, description: "e.g. example.com; sessions live at <session>.<domain>." },
          default_service: { type: "string", minLength: 1, description: "Service for paths no route matches." },
          routes: nullableArray(
            {
              type: "object",
              additionalProperties: false,
              required: ["path", "service"],
              properties: {
                path: regexString,
                service: { type: "string", minLength: 1 },
              },
            },
            "Path regexes tried in order; the first match picks the service.",
          ),
        },
      },
    },
    sessions: {
      type: ["array", "null"],
      description: "Sessions Linkup keeps in place (`linkup apply`).",
      items: {
        type: "object",
        additionalProperties: false,
        properties: {
          name: {
            type: "string",
            description: "DNS label (a-z, 0-9, '-', at most 63). Leave out for your personal session: a name is generated once and remembered.",
          },
          type: {
            enum: ["tunneled", "isolated", "preview"],
            default: "tunneled",
            description:
              "tunneled: reachable through the worker, local services via the tunnel; isolated: on this machine only; preview: in the worker only, no local services.",
          },
          routes: {
            type: ["object", "null"],
            description: "Service name to `local`, `remote` or an http(s) URL. Services not named go to `remote`.",
            additionalProperties: { type: "string", minLength: 1 },
          },
          ttl: {
            type: ["string", "null"],
            description:
              "How long the session lives after each write (`apply` renews it): a duration such as 30m, 72h, 7d or 2w, or none. Default: 7d for preview sessions, none for tunneled and isolated ones.",
          },
        },
      },
    },
  },
} as const;
