// Where the example system listens by default. The "remote" copies stand in for the shared
// deployed services, the "local" copies for what a developer runs on their laptop; both are on
// loopback so the demo needs nothing but this machine. examples/linkup.yaml names the same ports.

/** Default ports of each copy of each service. */
export const EXAMPLE_PORTS = {
  remote: { web: 4101, api: 4102, auth: 4103 },
  local: { web: 4201, api: 4202, auth: 4203 },
};

/** Linkup's own defaults (docs/architecture.md): the embedded worker and the local server. */
export const LINKUP_PORTS = { worker: 8787, proxy: 8790, admin: 8791 };

/** The domain the example declares; sessions live at `<session>.example.test`. */
export const EXAMPLE_DOMAIN = "example.test";
