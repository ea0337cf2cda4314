// What npm needs from this machine to reach the registry (a CA, a proxy): tests that install from
// the registry with a clean environment pass these through.
export const NETWORK: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|no_proxy|npm_config_registry)$/i.test(entry[0]) &&
      entry[1] !== undefined,
  ),
)
