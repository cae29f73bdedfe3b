// Placeholder replaced by the worker implementation.
export default { fetch: () => new Response("linkup worker") };
