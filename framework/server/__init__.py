"""The aiohttp server: `framework.server.app.init(config)` builds the application,
`framework.server.command.main` is `dialog serve`. Modules, in request order:
middleware (errors as JSON, metrics, per-address limits) -> routes (parse, call, respond)
-> conversation (lock, state, cache, agent) -> batching (micro-batched inference)."""
